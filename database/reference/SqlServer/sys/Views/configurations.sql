-- sys.configurations (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.configurations
AS
SELECT CAST(NULL AS int) AS configuration_id,
       CAST(NULL AS nvarchar(35)) AS name,
       CAST(NULL AS sql_variant) AS value,
       CAST(NULL AS sql_variant) AS value_in_use;
