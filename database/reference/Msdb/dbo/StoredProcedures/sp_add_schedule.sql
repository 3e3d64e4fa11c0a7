-- msdb.dbo.sp_add_schedule (SQL Server Agent; reference only, see Msdb.sqlproj).
CREATE PROCEDURE dbo.sp_add_schedule
    @schedule_name          sysname,
    @enabled                tinyint          = 1,
    @freq_type              int              = 0,
    @freq_interval          int              = 0,
    @freq_subday_type       int              = 0,
    @freq_subday_interval   int              = 0,
    @freq_relative_interval int              = 0,
    @freq_recurrence_factor int              = 0,
    @active_start_date      int              = NULL,
    @active_end_date        int              = 99991231,
    @active_start_time      int              = 0,
    @active_end_time        int              = 235959,
    @owner_login_name       sysname          = NULL,
    @schedule_uid           uniqueidentifier = NULL OUTPUT,
    @schedule_id            int              = NULL OUTPUT,
    @originating_server     sysname          = NULL
AS
BEGIN
    SELECT @schedule_uid = NULL, @schedule_id = NULL;
    RETURN 0;
END;
