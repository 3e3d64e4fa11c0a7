-- msdb.dbo.sp_add_jobstep (SQL Server Agent; reference only, see Msdb.sqlproj).
CREATE PROCEDURE dbo.sp_add_jobstep
    @job_id                uniqueidentifier = NULL,
    @job_name              sysname          = NULL,
    @step_id               int              = NULL,
    @step_name             sysname,
    @subsystem             nvarchar(40)     = N'TSQL',
    @command               nvarchar(max)    = NULL,
    @additional_parameters nvarchar(max)    = NULL,
    @cmdexec_success_code  int              = 0,
    @on_success_action     tinyint          = 1,
    @on_success_step_id    int              = 0,
    @on_fail_action        tinyint          = 2,
    @on_fail_step_id       int              = 0,
    @server                sysname          = NULL,
    @database_name         sysname          = NULL,
    @database_user_name    sysname          = NULL,
    @retry_attempts        int              = 0,
    @retry_interval        int              = 0,
    @os_run_priority       int              = 0,
    @output_file_name      nvarchar(200)    = NULL,
    @flags                 int              = 0,
    @proxy_id              int              = NULL,
    @proxy_name            sysname          = NULL,
    @step_uid              uniqueidentifier = NULL OUTPUT
AS
BEGIN
    SET @step_uid = NULL;
    RETURN 0;
END;
