-- sys.databases (SQL Server catalog view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.databases
AS
SELECT CAST(NULL AS sysname)       AS name,
       CAST(NULL AS int)           AS database_id,
       CAST(NULL AS int)           AS source_database_id,
       CAST(NULL AS varbinary(85)) AS owner_sid,
       CAST(NULL AS tinyint)       AS compatibility_level,
       CAST(NULL AS sysname)       AS collation_name,
       CAST(NULL AS bit)           AS is_read_only,
       CAST(NULL AS tinyint)       AS state,
       CAST(NULL AS nvarchar(60))  AS state_desc,
       CAST(NULL AS bit)           AS is_auto_close_on,
       CAST(NULL AS bit)           AS is_auto_shrink_on,
       CAST(NULL AS bit)           AS is_trustworthy_on,
       CAST(NULL AS tinyint)       AS recovery_model,
       CAST(NULL AS nvarchar(60))  AS recovery_model_desc,
       CAST(NULL AS nvarchar(60))  AS page_verify_option_desc,
       CAST(NULL AS nvarchar(60))  AS log_reuse_wait_desc;
