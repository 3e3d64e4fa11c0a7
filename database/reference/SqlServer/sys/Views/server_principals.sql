-- sys.server_principals (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.server_principals
AS
SELECT CAST(NULL AS sysname) AS name,
       CAST(NULL AS int) AS principal_id,
       CAST(NULL AS varbinary(85)) AS sid,
       CAST(NULL AS char(1)) AS type;
