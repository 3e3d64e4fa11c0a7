-- sys.master_files (SQL Server catalog view; reference only, see SqlServer.sqlproj).
-- size is in 8-KB pages. differential_base_lsn/guid/time: the base of the next differential
-- backup, NULL when the file has none ("Base of a Differential Backup", learn.microsoft.com ms188230).
CREATE VIEW sys.master_files
AS
SELECT CAST(NULL AS int)              AS database_id,
       CAST(NULL AS int)              AS file_id,
       CAST(NULL AS tinyint)          AS type,
       CAST(NULL AS nvarchar(60))     AS type_desc,
       CAST(NULL AS sysname)          AS name,
       CAST(NULL AS nvarchar(260))    AS physical_name,
       CAST(NULL AS int)              AS size,
       CAST(NULL AS numeric(25, 0))   AS differential_base_lsn,
       CAST(NULL AS uniqueidentifier) AS differential_base_guid,
       CAST(NULL AS datetime)         AS differential_base_time;
