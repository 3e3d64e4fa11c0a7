-- msdb.dbo.sp_delete_backuphistory (backup history of every database of the instance; reference only, see Msdb.sqlproj).
CREATE PROCEDURE dbo.sp_delete_backuphistory
    @oldest_date datetime
AS
RETURN 0;
