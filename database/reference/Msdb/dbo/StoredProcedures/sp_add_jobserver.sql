-- msdb.dbo.sp_add_jobserver (SQL Server Agent; reference only, see Msdb.sqlproj).
CREATE PROCEDURE dbo.sp_add_jobserver
    @job_id      uniqueidentifier = NULL,
    @job_name    sysname          = NULL,
    @server_name sysname          = NULL
AS
RETURN 0;
