/*
MC_maintenanceexecute: the one executor of maintenance and backup commands, in the manner of
Ola Hallengren's CommandExecute. It journals the command in dbo.MC_MaintenanceLog (start, end,
outcome, error), prints it with its start and end, runs it through sp_executesql (never in a
transaction, its own or a caller's: BACKUP, RESTORE and DBCC refuse one; "Transact-SQL
statements allowed in transactions", learn.microsoft.com), and never raises: an error is
printed, journaled and returned, so that the caller goes on with the next command and reports
every failure at the end.

Parameters
    @DatabaseName sysname          the database the command works on (journal only).
    @Task         varchar(40)      what it is (see dbo.MC_MaintenanceLog). Required.
    @Command      nvarchar(max)    the T-SQL to run; NULL with @Skip: a decision without a command.
    @Slot         varchar(10)      the plan slot, for the journal.
    @PairLabel    char(15)         the backup pair label, for the journal.
    @RunID        uniqueidentifier the run it belongs to (one value per dbo.MC_maintenance or
                                   dbo.MC_backup call), for the journal.
    @Message      nvarchar(4000)   why (with @Skip), or a note printed before the command.
    @File, @Name, @Description     values the command names as variables, never written into its text:
                                   BACKUP and RESTORE take TO/FROM DISK = @File, NAME = @Name and
                                   DESCRIPTION = @Description (nvarchar(4000), (128), (255)).
    @Display      nvarchar(max)    what the journal and the print show instead of @Command: the same
                                   statement with its values written in (never run).
    @Skip         bit = 0          1: journal Skipped with @Message, run nothing.
    @Execute      char(1) = 'Y'    'N': print and journal NotExecuted, run nothing.
    @LogID        bigint OUTPUT    the journal row.

Returns 0 when the command succeeded, was skipped or was not executed; otherwise the error number.

Example
    DECLARE @Result int;
    EXEC @Result = dbo.MC_maintenanceexecute @DatabaseName = N'CRM', @Task = 'CHECKDB',
        @Command = N'DBCC CHECKDB (N''CRM'') WITH NO_INFOMSGS, ALL_ERRORMSGS;', @Execute = 'N';

Version 1.1.0 (a skip or a printed command may be journaled inside a caller's transaction; @File,
@Name and @Description are passed to the command as parameters)
*/
CREATE PROCEDURE dbo.MC_maintenanceexecute
    @DatabaseName sysname          = NULL,
    @Task         varchar(40)      = NULL,
    @Command      nvarchar(max)    = NULL,
    @Slot         varchar(10)      = NULL,
    @PairLabel    char(15)         = NULL,
    @RunID        uniqueidentifier = NULL,
    @Message      nvarchar(4000)   = NULL,
    @File         nvarchar(4000)   = NULL,
    @Name         nvarchar(128)    = NULL,
    @Description  nvarchar(255)    = NULL,
    @Display      nvarchar(max)    = NULL,
    @Skip         bit              = 0,
    @Execute      char(1)          = 'Y',
    @LogID        bigint           = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;   -- no transaction is open here (checked below), so an error still reaches CATCH.

    DECLARE @Text nvarchar(max);
    DECLARE @ErrorNumber int;
    DECLARE @ErrorMessage nvarchar(4000);
    SET @LogID = NULL;

    -- What the journal and the print show: @Display (the command with its values written in), else the command.
    DECLARE @Shown nvarchar(max) = ISNULL(@Display, @Command);

    IF @Task IS NULL OR (@Command IS NULL AND ISNULL(@Skip, 0) = 0) OR ISNULL(@Execute, '') NOT IN ('Y', 'N')
    BEGIN
        SET @Text = CONCAT(N'MC_maintenanceexecute : @Task = ', ISNULL(N'''' + @Task + N'''', N'NULL'),
            N', @Command ', CASE WHEN @Command IS NULL THEN N'NULL' ELSE N'donnée' END,
            N', @Execute = ', ISNULL(N'''' + @Execute + N'''', N'NULL'),
            N' : @Task et @Command sont requis (sauf avec @Skip = 1), @Execute vaut ''Y'' ou ''N''.');
        RAISERROR(N'%s', 16, 1, @Text) WITH NOWAIT;
        RETURN 50000;
    END;

    -- Only a command that runs needs no transaction around it: a decision (@Skip = 1) or a
    -- printed command (@Execute = 'N') is journaled in the caller's transaction, as a tSQLt test has.
    IF @@TRANCOUNT > 0 AND ISNULL(@Skip, 0) = 0 AND @Execute = 'Y'
    BEGIN
        SET @Text = N'MC_maintenanceexecute : appel dans une transaction ouverte refusé (BACKUP, RESTORE et DBCC ne s''exécutent pas dans une transaction). Validez ou annulez-la d''abord.';
        RAISERROR(N'%s', 16, 1, @Text) WITH NOWAIT;
        RETURN 50000;
    END;

    IF @Skip = 1
    BEGIN
        INSERT dbo.MC_MaintenanceLog (RunID, DatabaseName, Task, Slot, PairLabel, Command, EndTime, Outcome, Message)
        VALUES (@RunID, @DatabaseName, @Task, @Slot, @PairLabel, @Shown, SYSDATETIME(), 'Skipped', @Message);
        SET @LogID = SCOPE_IDENTITY();
        SET @Text = CONCAT(N'Ignoré : ', @Task, ISNULL(N' sur ' + QUOTENAME(@DatabaseName), N''), ISNULL(N'. ' + @Message, N''));
        EXEC dbo.MC_print @Message = @Text;
        RETURN 0;
    END;

    INSERT dbo.MC_MaintenanceLog (RunID, DatabaseName, Task, Slot, PairLabel, Command, Outcome, Message)
    VALUES (@RunID, @DatabaseName, @Task, @Slot, @PairLabel, @Shown, CASE WHEN @Execute = 'N' THEN 'NotExecuted' ELSE 'Running' END, @Message);
    SET @LogID = SCOPE_IDENTITY();

    SET @Text = CONCAT(CONVERT(nvarchar(23), SYSDATETIME(), 121), N' ', @Task, ISNULL(N' ' + QUOTENAME(@DatabaseName), N''),
        CASE WHEN @Execute = 'N' THEN N' (non exécuté)' ELSE N'' END, NCHAR(10),
        ISNULL(@Message + NCHAR(10), N''), @Shown);
    EXEC dbo.MC_print @Message = @Text;

    IF @Execute = 'N'
    BEGIN
        UPDATE dbo.MC_MaintenanceLog SET EndTime = SYSDATETIME() WHERE LogID = @LogID;
        RETURN 0;
    END;

    BEGIN TRY
        EXEC sys.sp_executesql @Command,
            N'@File nvarchar(4000), @Name nvarchar(128), @Description nvarchar(255)',
            @File, @Name, @Description;   -- by position, in the order declared
    END TRY
    BEGIN CATCH
        -- Only the last error of a command that raises several (BACKUP: 3201, then 3013) reaches
        -- CATCH; the client (SSMS, crmdb) saw each one as it came.
        SET @ErrorNumber = ERROR_NUMBER();
        SET @ErrorMessage = ERROR_MESSAGE();
        -- A command that left a transaction open or doomed must not keep the journal row from closing.
        IF XACT_STATE() <> 0
            ROLLBACK TRANSACTION;
    END CATCH;

    UPDATE dbo.MC_MaintenanceLog
    SET EndTime = SYSDATETIME(),
        Outcome = CASE WHEN @ErrorNumber IS NULL THEN 'Succeeded' ELSE 'Failed' END,
        ErrorNumber = @ErrorNumber,
        ErrorMessage = @ErrorMessage
    WHERE LogID = @LogID;

    IF @ErrorNumber IS NOT NULL
    BEGIN
        SET @Text = CONCAT(N'Échec de ', @Task, ISNULL(N' sur ' + QUOTENAME(@DatabaseName), N''), N' : erreur ', @ErrorNumber, N', ', @ErrorMessage);
        EXEC dbo.MC_print @Message = @Text;
        RETURN @ErrorNumber;
    END;

    SET @Text = CONCAT(CONVERT(nvarchar(23), SYSDATETIME(), 121), N' ', @Task, N' terminé.');
    EXEC dbo.MC_print @Message = @Text;
    RETURN 0;
END;
