-- sys.dm_exec_sessions (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.dm_exec_sessions
AS
SELECT CAST(NULL AS smallint) AS session_id,
       CAST(NULL AS nvarchar(128)) AS login_name,
       CAST(NULL AS nvarchar(128)) AS program_name,
       CAST(NULL AS bit) AS is_user_process,
       CAST(NULL AS smallint) AS database_id;
