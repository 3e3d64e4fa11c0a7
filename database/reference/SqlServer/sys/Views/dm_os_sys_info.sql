-- sys.dm_os_sys_info (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.dm_os_sys_info
AS
SELECT CAST(NULL AS bigint) AS physical_memory_kb,
       CAST(NULL AS int) AS cpu_count;
