-- sys.dm_server_registry (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.dm_server_registry
AS
SELECT CAST(NULL AS nvarchar(256)) AS registry_key,
       CAST(NULL AS nvarchar(256)) AS value_name,
       CAST(NULL AS sql_variant) AS value_data;
