/*
MC_runautosyncstep: one step of an AUTOSYNC cycle, for dbo.MC_runautosync (not meant to be
called by anyone else; it has no grant and is reached through the ownership chain).

For the step it is given:
  - a non-conforming hook: journals it Skipped with the reason, prints NON EXÉCUTÉE;
  - the replication: calls dbo.MC_replicate directly (ownership chain), OUTSIDE any transaction
    of ours: MC_replicate reads GesCom into a local table before it opens its own transaction,
    so that no remote read or write ever runs under a savepoint (docs/autosync.md,
    "Transactions");
  - a hook: opens the step's transaction, runs the hook's EXEC statement (HookBindingPlan)
    through sp_executesql, then commits it, or rolls it back when the hook failed (an error, a
    non-zero return code, a transaction left open) or the cycle is a simulation.

The one transaction shape of the cycle: BEGIN TRANSACTION, work, COMMIT or ROLLBACK; never a
savepoint, since a transaction that holds one cannot become distributed (Msg 3933) and SAVE
TRANSACTION is refused inside a distributed one (Msg 627): "SAVE TRANSACTION (Transact-SQL)",
learn.microsoft.com/sql/t-sql/language-elements/save-transaction-transact-sql.

No write of any kind while the transaction may be doomed (XACT_STATE() = -1: "the session can't
perform any write operations until it rolls back", learn.microsoft.com/sql/t-sql/functions/xact-state-transact-sql):
the rows the hook's statements journaled (dbo.MC_execsql) are read into a scalar variable (JSON),
the transaction is rolled back, then they are written again and the step's row is completed.

A hook that ends the transaction it was given is detected: @@TRANCOUNT and CURRENT_TRANSACTION_ID()
before and after the call. Whether it committed or rolled back is told by a marker written in the
step's transaction (the step's row set to InTransaction): after a COMMIT the marker is still
there, after a ROLLBACK it is gone. The step is journaled Committed (its work is kept, even in a
simulation) or RolledBack, with a message saying what the hook did and how to fix it.

Parameters
    @RunID, @StepType (Replication or Hook), @ObjectName, @IsConforming, @Reason, @Statement,
    @DisplayStatement: the step, as dbo.MC_runautosync planned it.
    @ErpIntegrationID, @ErpSyncStatus, @GesComBaseInt, @tokenAccount, @Rollback, @Trace: the cycle's.
    @Succeeded bit OUTPUT  1 when the step succeeded.
    @NewToken  int OUTPUT  the replication's new watermark (NULL for a hook, or when it failed).

Example (inside dbo.MC_runautosync only)
    EXEC dbo.MC_runautosyncstep @RunID = @RunID, @StepType = N'Hook', ..., @Succeeded = @Ok OUTPUT;

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_runautosyncstep
    @RunID            int,
    @StepType         nvarchar(20),
    @ObjectName       nvarchar(300),
    @IsConforming     bit,
    @Reason           nvarchar(max),
    @Statement        nvarchar(max),
    @DisplayStatement nvarchar(max),
    @ErpIntegrationID int,
    @ErpSyncStatus    nvarchar(10),
    @GesComBaseInt    nvarchar(300),
    @tokenAccount     int,
    @Rollback         bit,
    @Trace            bit,
    @Succeeded        bit = NULL OUTPUT,
    @NewToken         int = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    SELECT @Succeeded = 0, @NewToken = NULL;

    DECLARE @NewLine nchar(1) = NCHAR(10);
    DECLARE @Message nvarchar(max);
    DECLARE @StepStart datetime2(3) = SYSDATETIME();
    DECLARE @StepID int;

    -- The step's row, journaled before any transaction of the step, so that it outlives its rollback.
    INSERT dbo.MC_AutosyncStep (RunID, StepType, ObjectName, ErpIntegrationID, Command, Status, StartTime, EndTime, ErrorMessage)
    VALUES (@RunID, @StepType, @ObjectName, @ErpIntegrationID, @DisplayStatement,
            CASE WHEN @IsConforming = 1 THEN N'Running' ELSE N'Skipped' END, @StepStart,
            CASE WHEN @IsConforming = 1 THEN NULL ELSE @StepStart END,
            CASE WHEN @IsConforming = 1 THEN NULL ELSE LEFT(@Reason, 4000) END);
    SET @StepID = SCOPE_IDENTITY();

    IF @IsConforming = 0
    BEGIN
        SET @Message = CONCAT(N'NON EXÉCUTÉE : ', @ObjectName, N' : ', @Reason);
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    EXEC sys.sp_set_session_context @key = N'crmdb.stepid', @value = @StepID;

    IF @Trace = 1
    BEGIN
        SET @Message = CONCAT(N'--- ', CASE @StepType WHEN N'Replication' THEN N'Réplication' ELSE N'Procédure' END, N' ', @ObjectName,
            N' (', CONVERT(nvarchar(12), CONVERT(time(3), @StepStart)), N')', @NewLine, @DisplayStatement);
        EXEC dbo.MC_print @Message = @Message;
    END;

    DECLARE @Outcome nvarchar(20) = N'Succeeded';   -- Succeeded, Failed, Committed, RolledBack
    DECLARE @StepReturn int;
    DECLARE @StepRows int;
    DECLARE @StepNewToken int;
    DECLARE @ErrorNumber int;
    DECLARE @ErrorSeverity int;
    DECLARE @ErrorState int;
    DECLARE @ErrorProcedure nvarchar(128);
    DECLARE @ErrorLine int;
    DECLARE @ErrorMessage nvarchar(4000);
    DECLARE @Transaction bigint;
    DECLARE @EndedByHook bit = 0;
    DECLARE @Children nvarchar(max);
    DECLARE @Marker nvarchar(20);

    IF @StepType = N'Replication'
    BEGIN
        -- No transaction here: MC_replicate reads GesCom first, then opens and ends its own.
        BEGIN TRY
            EXEC @StepReturn = dbo.MC_replicate
                @ErpIntegrationID = @ErpIntegrationID,
                @tokenAccount = @tokenAccount,
                @Trace = @Trace,
                @Rollback = @Rollback,
                @RowsChanged = @StepRows OUTPUT,
                @NewToken = @StepNewToken OUTPUT;
            IF ISNULL(@StepReturn, 0) <> 0
                SELECT @Outcome = N'Failed', @ErrorMessage = CONCAT(@ObjectName, N' a renvoyé le code ', @StepReturn, N' (0 attendu).');
        END TRY
        BEGIN CATCH
            SELECT @Outcome = N'Failed',
                   @ErrorNumber = ERROR_NUMBER(), @ErrorSeverity = ERROR_SEVERITY(), @ErrorState = ERROR_STATE(),
                   @ErrorProcedure = ERROR_PROCEDURE(), @ErrorLine = ERROR_LINE(), @ErrorMessage = ERROR_MESSAGE();
        END CATCH;

        -- MC_replicate never leaves its transaction open; should it, nothing of it is kept.
        IF XACT_STATE() <> 0
            ROLLBACK TRANSACTION;
    END
    ELSE
    BEGIN
        BEGIN TRY
            BEGIN TRANSACTION;
            SET @Transaction = CURRENT_TRANSACTION_ID();
            -- The marker (see the header): gone after a ROLLBACK of this transaction, kept after a COMMIT.
            UPDATE dbo.MC_AutosyncStep SET Status = N'InTransaction' WHERE StepID = @StepID;

            -- Values by position, in the order of the list (HookContract.StatementParameters).
            EXEC sys.sp_executesql
                @Statement,
                N'@ErpIntegrationID int, @ErpSyncStatus nvarchar(10), @GesComBaseInt nvarchar(300), @tokenAccount int, @Trace bit, @ReturnCode int OUTPUT, @RowsChanged int OUTPUT, @NewToken int OUTPUT',
                @ErpIntegrationID, @ErpSyncStatus, @GesComBaseInt, @tokenAccount, @Trace, @StepReturn OUTPUT, @StepRows OUTPUT, @StepNewToken OUTPUT;

            IF ISNULL(@StepReturn, 0) <> 0
                SELECT @Outcome = N'Failed', @ErrorMessage = CONCAT(@ObjectName, N' a renvoyé le code ', @StepReturn, N' (0 attendu) : ses modifications sont annulées.');
        END TRY
        BEGIN CATCH
            SELECT @Outcome = N'Failed',
                   @ErrorNumber = ERROR_NUMBER(), @ErrorSeverity = ERROR_SEVERITY(), @ErrorState = ERROR_STATE(),
                   @ErrorProcedure = ERROR_PROCEDURE(), @ErrorLine = ERROR_LINE(), @ErrorMessage = ERROR_MESSAGE();
        END CATCH;

        -- Did the hook end the transaction it was given? A COMMIT followed by a new BEGIN
        -- TRANSACTION leaves @@TRANCOUNT at 1: the transaction's id tells.
        IF @@TRANCOUNT = 0 OR CURRENT_TRANSACTION_ID() <> @Transaction
            SET @EndedByHook = 1;
        ELSE IF @@TRANCOUNT > 1 AND @Outcome = N'Succeeded'
            SELECT @Outcome = N'Failed',
                   @ErrorMessage = CONCAT(@ObjectName, N' a laissé une transaction ouverte (BEGIN TRANSACTION sans COMMIT) : ses modifications sont annulées.');

        -- Read only, while the transaction may be doomed: the statements' journal rows, to be
        -- written again after the rollback (table variables are writes too).
        IF @@TRANCOUNT > 0 AND (@Outcome <> N'Succeeded' OR @Rollback = 1 OR @EndedByHook = 1)
            SET @Children =
            (
                SELECT c.StepID, c.StepType, c.ObjectName, c.ErpIntegrationID, c.Command, c.Parameters, c.StartTime, c.EndTime, c.Status,
                       c.RowsAffected, c.ReturnCode, c.ErrorNumber, c.ErrorSeverity, c.ErrorState, c.ErrorProcedure, c.ErrorLine, c.ErrorMessage
                FROM dbo.MC_AutosyncStep AS c
                WHERE c.RunID = @RunID AND c.ParentStepID = @StepID
                ORDER BY c.StepID
                FOR JSON PATH, INCLUDE_NULL_VALUES
            );

        IF @Outcome = N'Succeeded' AND @Rollback = 0 AND @EndedByHook = 0
            COMMIT TRANSACTION;

        -- Every other path: nothing of the step's transaction (or of one the hook left) is kept.
        IF XACT_STATE() <> 0
            ROLLBACK TRANSACTION;

        IF @EndedByHook = 1
        BEGIN
            SET @Marker = (SELECT s.Status FROM dbo.MC_AutosyncStep AS s WHERE s.StepID = @StepID);
            SELECT @Outcome = CASE WHEN @Marker = N'InTransaction' THEN N'Committed' ELSE N'RolledBack' END,
                   @ErrorMessage = CASE WHEN @Marker = N'InTransaction'
                       THEN CONCAT(@ObjectName, N' a validé (COMMIT) la transaction que le cycle lui avait ouverte : ses modifications sont conservées',
                            CASE WHEN @Rollback = 1 THEN N', même en simulation' ELSE N'' END,
                            N'. Retirez le COMMIT : le cycle valide ou annule lui-même chaque procédure.')
                       ELSE CONCAT(@ObjectName, N' a annulé (ROLLBACK) la transaction que le cycle lui avait ouverte : ses modifications sont annulées',
                            N', et le journal de ses requêtes (MC_execsql) avec elles. Retirez le ROLLBACK : signalez un échec par une erreur (THROW) ou un code retour non nul.')
                   END;
        END;

        -- The journal rows rolled back with the step, written again (a statement still Running
        -- when its hook failed is the one that failed); rows a COMMIT kept are not doubled.
        INSERT dbo.MC_AutosyncStep (RunID, ParentStepID, StepType, ObjectName, ErpIntegrationID, Command, Parameters, StartTime, EndTime, Status,
                                    RowsAffected, ReturnCode, ErrorNumber, ErrorSeverity, ErrorState, ErrorProcedure, ErrorLine, ErrorMessage)
        SELECT @RunID, @StepID, j.StepType, j.ObjectName, j.ErpIntegrationID, j.Command, j.Parameters, j.StartTime,
               ISNULL(j.EndTime, SYSDATETIME()),
               CASE WHEN j.Status = N'Running' THEN N'Failed' ELSE j.Status END,
               j.RowsAffected, j.ReturnCode,
               CASE WHEN j.Status = N'Running' THEN @ErrorNumber ELSE j.ErrorNumber END,
               CASE WHEN j.Status = N'Running' THEN @ErrorSeverity ELSE j.ErrorSeverity END,
               CASE WHEN j.Status = N'Running' THEN @ErrorState ELSE j.ErrorState END,
               CASE WHEN j.Status = N'Running' THEN @ErrorProcedure ELSE j.ErrorProcedure END,
               CASE WHEN j.Status = N'Running' THEN @ErrorLine ELSE j.ErrorLine END,
               CASE WHEN j.Status = N'Running' THEN @ErrorMessage ELSE j.ErrorMessage END
        FROM OPENJSON(@Children)
        WITH
        (
            StepID int, StepType nvarchar(20), ObjectName nvarchar(300), ErpIntegrationID int, Command nvarchar(max), Parameters nvarchar(max),
            StartTime datetime2(3), EndTime datetime2(3), Status nvarchar(20), RowsAffected int, ReturnCode int, ErrorNumber int,
            ErrorSeverity int, ErrorState int, ErrorProcedure nvarchar(128), ErrorLine int, ErrorMessage nvarchar(4000)
        ) AS j
        WHERE NOT EXISTS (SELECT 1 FROM dbo.MC_AutosyncStep AS k WHERE k.StepID = j.StepID)
        ORDER BY j.StepID;

        SELECT @StepRows = SUM(c.RowsAffected) FROM dbo.MC_AutosyncStep AS c WHERE c.RunID = @RunID AND c.ParentStepID = @StepID;
    END;

    UPDATE dbo.MC_AutosyncStep
    SET EndTime = SYSDATETIME(),
        Status = @Outcome,
        RowsAffected = @StepRows,
        ReturnCode = @StepReturn,
        ErrorNumber = @ErrorNumber,
        ErrorSeverity = @ErrorSeverity,
        ErrorState = @ErrorState,
        ErrorProcedure = @ErrorProcedure,
        ErrorLine = @ErrorLine,
        ErrorMessage = @ErrorMessage
    WHERE StepID = @StepID;

    EXEC sys.sp_set_session_context @key = N'crmdb.stepid', @value = NULL;

    IF @Outcome <> N'Succeeded'
    BEGIN
        SET @Message = CONCAT(N'ÉCHEC : ', @ObjectName,
            CASE WHEN @ErrorNumber IS NULL OR @Outcome IN (N'Committed', N'RolledBack') THEN N''
                 ELSE CONCAT(N' : erreur ', @ErrorNumber, N', gravité ', @ErrorSeverity, N', état ', @ErrorState,
                     N', procédure ', ISNULL(@ErrorProcedure, N'-'), N', ligne ', @ErrorLine) END,
            N' : ', @ErrorMessage, @NewLine,
            CASE @Outcome
                WHEN N'Committed' THEN N'    Ses modifications sont conservées ; le traitement continue avec l''étape suivante.'
                ELSE N'    Les modifications de cette étape sont annulées ; le traitement continue avec la suivante.' END);
        EXEC dbo.MC_print @Message = @Message;
    END
    ELSE IF @Trace = 1
    BEGIN
        SET @Message = CONCAT(N'OK : ', @ObjectName, N' : ', ISNULL(CONVERT(nvarchar(11), @StepRows), N'0'), N' ligne(s), ',
            DATEDIFF(MILLISECOND, @StepStart, SYSDATETIME()), N' ms', CASE WHEN @Rollback = 1 THEN N' (annulé : simulation)' ELSE N'' END);
        EXEC dbo.MC_print @Message = @Message;
    END;

    SET @Succeeded = CASE WHEN @Outcome = N'Succeeded' THEN 1 ELSE 0 END;
    SET @NewToken = CASE WHEN @StepType = N'Replication' AND @Outcome = N'Succeeded' THEN @StepNewToken END;
    RETURN 0;
END;
