-- sys.databases (SQL Server catalog view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.databases
AS
SELECT CAST(NULL AS sysname)      AS name,
       CAST(NULL AS int)          AS database_id,
       CAST(NULL AS bit)          AS is_read_only,
       CAST(NULL AS tinyint)      AS state,
       CAST(NULL AS nvarchar(60)) AS state_desc,
       CAST(NULL AS tinyint)      AS recovery_model,
       CAST(NULL AS nvarchar(60)) AS recovery_model_desc,
       CAST(NULL AS int)          AS source_database_id;
