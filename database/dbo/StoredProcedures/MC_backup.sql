/*
MC_backup: placeholder: replaced by the backups branch at merge.
Signature only (docs: the seam between maintenance and paired backups), so that
dbo.MC_maintenance builds and its tests run; it journals each call as Skipped and backs up
nothing. It never lands on main.

Version 0.0.0
*/
CREATE PROCEDURE dbo.MC_backup
    @Type        varchar(4)       = NULL,
    @CopyOnly    bit              = 0,
    @Directory   nvarchar(260)    = NULL,
    @Databases   nvarchar(max)    = NULL,
    @LockTimeout int              = NULL,
    @Execute     char(1)          = 'Y',
    @RunID       uniqueidentifier = NULL,
    @Slot        varchar(10)      = NULL,
    @Help        bit              = 0
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    IF @Help = 1
        RETURN 0;

    DECLARE @Task varchar(40) = CONCAT('BACKUP_', @Type);
    DECLARE @Text nvarchar(4000) = CONCAT(N'MC_backup (substitut) : ', @Type, N' de ', @Databases, N' non réalisé.',
        CASE WHEN @CopyOnly = 1 THEN N' COPY_ONLY.' ELSE N'' END, ISNULL(N' Dossier : ' + @Directory, N''),
        CASE WHEN @LockTimeout IS NULL THEN N'' ELSE N'' END);
    EXEC dbo.MC_maintenanceexecute @DatabaseName = @Databases, @Task = @Task, @Slot = @Slot, @RunID = @RunID,
        @Message = @Text, @Skip = 1, @Execute = @Execute;
    RETURN 0;
END;
