-- sys.schemas (SQL Server catalog view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.schemas
AS
SELECT CAST(NULL AS sysname) AS name,
       CAST(NULL AS int)     AS schema_id,
       CAST(NULL AS int)     AS principal_id;
