-- msdb.dbo.sp_add_job (SQL Server Agent; reference only, see Msdb.sqlproj).
CREATE PROCEDURE dbo.sp_add_job
    @job_name                     sysname,
    @enabled                      tinyint          = 1,
    @description                  nvarchar(512)    = NULL,
    @start_step_id                int              = 1,
    @category_name                sysname          = NULL,
    @category_id                  int              = NULL,
    @owner_login_name             sysname          = NULL,
    @notify_level_eventlog        int              = 2,
    @notify_level_email           int              = 0,
    @notify_level_netsend         int              = 0,
    @notify_level_page            int              = 0,
    @notify_email_operator_name   sysname          = NULL,
    @notify_netsend_operator_name sysname          = NULL,
    @notify_page_operator_name    sysname          = NULL,
    @delete_level                 int              = 0,
    @job_id                       uniqueidentifier = NULL OUTPUT
AS
BEGIN
    SET @job_id = NULL;
    RETURN 0;
END;
