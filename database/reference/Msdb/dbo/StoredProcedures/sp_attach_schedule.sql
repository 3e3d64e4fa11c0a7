-- msdb.dbo.sp_attach_schedule (SQL Server Agent; reference only, see Msdb.sqlproj).
CREATE PROCEDURE dbo.sp_attach_schedule
    @job_id         uniqueidentifier = NULL,
    @job_name       sysname          = NULL,
    @schedule_id    int              = NULL,
    @schedule_name  sysname          = NULL,
    @automatic_post bit              = 1
AS
RETURN 0;
