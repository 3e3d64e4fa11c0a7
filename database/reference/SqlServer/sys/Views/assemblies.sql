-- sys.assemblies (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.assemblies
AS
SELECT CAST(NULL AS sysname) AS name,
       CAST(NULL AS int) AS principal_id,
       CAST(NULL AS int) AS assembly_id,
       CAST(NULL AS nvarchar(60)) AS permission_set_desc;
