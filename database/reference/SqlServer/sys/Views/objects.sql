-- sys.objects (SQL Server catalog view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.objects
AS
SELECT CAST(NULL AS sysname)  AS name,
       CAST(NULL AS int)      AS object_id,
       CAST(NULL AS int)      AS principal_id,
       CAST(NULL AS int)      AS schema_id,
       CAST(NULL AS int)      AS parent_object_id,
       CAST(NULL AS char(2))  AS type,
       CAST(NULL AS nvarchar(60)) AS type_desc,
       CAST(NULL AS datetime) AS create_date,
       CAST(NULL AS datetime) AS modify_date,
       CAST(NULL AS bit)      AS is_ms_shipped,
       CAST(NULL AS bit)      AS is_published,
       CAST(NULL AS bit)      AS is_schema_published;
