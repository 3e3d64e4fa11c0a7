-- sys.database_permissions (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.database_permissions
AS
SELECT CAST(NULL AS tinyint) AS class,
       CAST(NULL AS int) AS major_id,
       CAST(NULL AS int) AS minor_id,
       CAST(NULL AS int) AS grantee_principal_id,
       CAST(NULL AS int) AS grantor_principal_id,
       CAST(NULL AS char(4)) AS type,
       CAST(NULL AS nvarchar(128)) AS permission_name,
       CAST(NULL AS char(1)) AS state;
