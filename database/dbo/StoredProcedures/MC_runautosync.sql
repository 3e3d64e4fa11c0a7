/*
MC_runautosync: what an integration calls when one of its synchronisation cycles ends.

Runs, for the integration:
  1. the replication (dbo.MC_replicate), a built-in step;
  2. every hook dbo.AUTOSYNC_<ordre>_<libellé>, by numeric order then label (dbo.MC_listautosync
     shows them). A name off that pattern, or a hook with a parameter outside the contract that
     has no default, is reported and not run.
Each step runs in its own transaction (dbo.MC_runautosyncstep): a failing step is rolled back
alone, its error (number, severity, state, procedure, line, message) is printed and journaled,
and the next step runs. A hook that commits or rolls back the transaction it was given is
journaled as such (Committed, RolledBack) and counts as failed. The run ends with a summary in
French listing what failed and how to rerun.
Hooks receive, by name and converted to their declared types: @ErpIntegrationID,
@ErpSyncStatus (or the seed's spelling @ErpSymsStatus), @GesComBaseInt ([serveur].[base] or
[base] of GesCom) and @tokenAccount (the watermark at which this cycle started). The statements
they pass through dbo.MC_execsql are expanded for this integration and journaled under their step.
Two cycles of one integration never overlap (application lock CrmDb.MC_runautosync.<id>).
A real run records the new watermark (@NewToken of the replication, when it succeeded), the
status and the time on dbo.MC_Integration; a simulation (@Rollback = 1) records nothing there.

Parameters
    @ErpIntegrationID int           the integration (dbo.MC_Integration.ErpIntegrationID). Required.
    @ErpSyncStatus    nvarchar(10)  the cycle's status: success, fail or warning. Required.
    @tokenAccount     int = NULL    watermark: F_COMPTET rows with cbReplication >= it changed.
                                    NULL: the integration's LastToken, 0 when it has none.
    @Rollback         bit = 0       1: simulation; each step's transaction is rolled back at its
                                    end, so a hook does not see what the hooks before it changed.
    @Trace            bit = 0       1: print each call with its values, each statement passed
                                    through dbo.MC_execsql (expanded), rows and durations.
    @Help             bit = 0       1: print this usage, run nothing.
    @RunID            int OUTPUT    the run's row in dbo.MC_AutosyncRun.

Return codes
    0  every step succeeded (or nothing to run, or the integration is inactive)
    1  a step failed, or a hook was not run (non-conforming): see the summary
    2  invalid parameters: nothing ran (each problem is raised, severity 16)
    3  a cycle of this integration is already running: nothing ran

Transactions: called inside a transaction (@@TRANCOUNT > 0) it refuses to run (return code 2,
error of severity 16 that leaves the caller's transaction committable): no step ever takes a
savepoint, since a hook may write, and the replication read, through a linked server, and a
transaction holding a savepoint cannot become distributed (docs/autosync.md, "Transactions").

Example
    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success';

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_runautosync
    @ErpIntegrationID int          = NULL,
    @ErpSyncStatus    nvarchar(10) = NULL,
    @tokenAccount     int          = NULL,
    @Rollback         bit          = 0,
    @Trace            bit          = 0,
    @Help             bit          = 0,
    @RunID            int          = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    SET @RunID = NULL;   -- never the caller's stale value: the CATCH below marks run @RunID failed

    DECLARE @Version nvarchar(20) = N'1.0.0';
    DECLARE @Message nvarchar(max);
    DECLARE @NewLine nchar(1) = NCHAR(10);

    IF @Help = 1
    BEGIN
        SET @Message = CONCAT(
            N'MC_runautosync ', @Version, N' : fin de cycle de synchronisation d''une intégration.', @NewLine,
            N'Exécute la réplication (dbo.MC_replicate) puis chaque procédure dbo.AUTOSYNC_<ordre>_<libellé> (ordre numérique, puis libellé),', @NewLine,
            N'chacune dans sa propre transaction : une erreur annule la seule procédure fautive, est affichée, et le traitement continue.', @NewLine,
            @NewLine,
            N'EXEC dbo.MC_runautosync', @NewLine,
            N'    @ErpIntegrationID = 1,            -- obligatoire : dbo.MC_Integration (crmdb integration list)', @NewLine,
            N'    @ErpSyncStatus    = N''success'',   -- obligatoire : success, fail ou warning', @NewLine,
            N'    @tokenAccount     = NULL,         -- NULL : dernier token de l''intégration (LastToken), 0 s''il n''y en a pas', @NewLine,
            N'    @Rollback         = 0,            -- 1 : simulation, chaque étape est annulée à sa fin', @NewLine,
            N'    @Trace            = 0;            -- 1 : affiche chaque appel, chaque requête, lignes et durées', @NewLine,
            @NewLine,
            N'Codes retour : 0 tout a réussi ; 1 une étape a échoué ou une procédure non conforme n''a pas été exécutée ;', @NewLine,
            N'2 paramètres invalides, rien n''a été exécuté ; 3 un cycle de cette intégration est déjà en cours, rien n''a été exécuté.', @NewLine,
            N'Journal : dbo.MC_AutosyncRun et dbo.MC_AutosyncStep. Procédures : EXEC dbo.MC_listautosync. Trace : EXEC dbo.MC_traceautosync.');
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    ---------------------------------------------------------------------------------------------
    -- Parameters: every problem is collected, then all are raised together; nothing runs.
    ---------------------------------------------------------------------------------------------
    DECLARE @Errors TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, Message nvarchar(2000) NOT NULL);
    DECLARE @Status nvarchar(10) = LOWER(LTRIM(RTRIM(@ErpSyncStatus)));
    DECLARE @IntegrationName nvarchar(100);
    DECLARE @GesComServer nvarchar(128);
    DECLARE @GesComDatabase nvarchar(128);
    DECLARE @IsActive bit;
    DECLARE @LastToken int;
    DECLARE @GesComBaseInt nvarchar(300);
    DECLARE @TokenOrigin nvarchar(100) = N'donné';

    IF @ErpIntegrationID IS NULL
        INSERT @Errors (Message)
        VALUES (N'@ErpIntegrationID est obligatoire : l''identifiant d''une intégration de dbo.MC_Integration (crmdb integration list).');
    ELSE
    BEGIN
        SELECT @IntegrationName = i.Name, @GesComServer = i.GesComServer, @GesComDatabase = i.GesComDatabase,
               @IsActive = i.IsActive, @LastToken = i.LastToken
        FROM dbo.MC_Integration AS i
        WHERE i.ErpIntegrationID = @ErpIntegrationID;

        IF @IntegrationName IS NULL
            INSERT @Errors (Message)
            SELECT u.Message FROM dbo.MC_unknownintegration(@ErpIntegrationID) AS u;
    END;

    IF @Status IS NULL OR @Status NOT IN (N'success', N'fail', N'warning')
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@ErpSyncStatus = ', ISNULL(N'''' + @ErpSyncStatus + N'''', N'NULL'), N' : valeurs admises success, fail ou warning.'));

    IF @tokenAccount < 0
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@tokenAccount = ', @tokenAccount, N' : un token de réplication (cbReplication) est positif ou nul ; NULL reprend le dernier token de l''intégration.'));

    IF @Rollback IS NULL
        INSERT @Errors (Message) VALUES (N'@Rollback = NULL : valeurs admises 0 (cycle réel) ou 1 (simulation).');

    IF @Trace IS NULL
        INSERT @Errors (Message) VALUES (N'@Trace = NULL : valeurs admises 0 ou 1.');

    -- Each step has a transaction of its own, and none takes a savepoint (a distributed
    -- transaction refuses them, and a hook may write through a linked server): inside a
    -- caller's transaction a failing step could not be undone alone.
    IF @@TRANCOUNT > 0
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@@TRANCOUNT = ', @@TRANCOUNT, N' : MC_runautosync s''exécute hors transaction (chaque étape a sa propre transaction, sans point de sauvegarde). ',
            N'Validez ou annulez d''abord la transaction ouverte (COMMIT ou ROLLBACK), puis relancez.'));

    IF @IntegrationName IS NOT NULL
    BEGIN TRY
        SET @GesComBaseInt = dbo.MC_gescomqualifier(@GesComServer, @GesComDatabase);
    END TRY
    BEGIN CATCH
        INSERT @Errors (Message)
        VALUES (LEFT(CONCAT(N'Intégration ', @ErpIntegrationID, N' : @GesComBaseInt ne peut pas être calculé à partir de GesComServer = ''', @GesComServer,
            N''' et GesComDatabase = ''', @GesComDatabase, N''' (', ERROR_MESSAGE(), N'). Vérifiez ces valeurs (crmdb integration set) et que CLR est activé (sp_configure ''clr enabled'').'), 2000));
    END CATCH;

    IF EXISTS (SELECT 1 FROM @Errors)
    BEGIN
        SET @Message = (SELECT STRING_AGG(CONVERT(nvarchar(max), e.Message), @NewLine) WITHIN GROUP (ORDER BY e.ID) FROM @Errors AS e);
        EXEC dbo.MC_raiseparametererrors @Procedure = N'MC_runautosync', @Errors = @Message;
        RETURN 2;
    END;

    IF @IsActive = 0
    BEGIN
        SET @Message = CONCAT(N'Intégration ', @ErpIntegrationID, N' (', @IntegrationName, N') inactive (dbo.MC_Integration.IsActive = 0) : ',
            N'aucune étape AUTOSYNC exécutée. Pour l''activer : crmdb integration set ', @ErpIntegrationID, N' --active true');
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    IF @tokenAccount IS NULL
    BEGIN
        SET @TokenOrigin = CASE WHEN @LastToken IS NULL THEN N'aucun token enregistré : 0, tous les tiers' ELSE N'dernier token de l''intégration' END;
        SET @tokenAccount = ISNULL(@LastToken, 0);
    END;

    ---------------------------------------------------------------------------------------------
    -- One cycle at a time per integration. The lock belongs to the session, because the run
    -- opens and ends one transaction per step.
    ---------------------------------------------------------------------------------------------
    DECLARE @LockResource nvarchar(255) = CONCAT(N'CrmDb.MC_runautosync.', @ErpIntegrationID);
    DECLARE @LockResult int;
    EXEC @LockResult = sys.sp_getapplock @Resource = @LockResource, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0;
    IF @LockResult < 0
    BEGIN
        DECLARE @Holder nvarchar(400) = N'';
        SELECT TOP (1) @Holder = CONCAT(N' (cycle n° ', r.RunID, N' commencé le ', CONVERT(nvarchar(23), r.StartTime, 121),
            N' par ', r.LoginName, N' depuis ', r.HostName, N')')
        FROM dbo.MC_AutosyncRun AS r
        WHERE r.ErpIntegrationID = @ErpIntegrationID AND r.Status = N'Running'
        ORDER BY r.RunID DESC;

        SET @Message = CONCAT(N'Un cycle AUTOSYNC de l''intégration ', @ErpIntegrationID, N' (', @IntegrationName, N') est déjà en cours', @Holder,
            N' : rien n''a été exécuté. Deux cycles d''une même intégration ne se chevauchent jamais ; attendez la fin du premier, puis relancez.');
        EXEC dbo.MC_print @Message = @Message;
        RETURN 3;
    END;

    DECLARE @Command nvarchar(max) = CONCAT(N'EXEC dbo.MC_runautosync @ErpIntegrationID = ', @ErpIntegrationID, N', @ErpSyncStatus = N''', @Status,
        N''', @tokenAccount = ', @tokenAccount, N', @Rollback = ', @Rollback, N', @Trace = ', @Trace, N';');
    DECLARE @RunStart datetime2(3) = SYSDATETIME();
    DECLARE @NewToken int;
    DECLARE @ReturnCode int = 0;

    -- Everything after the lock is inside TRY, the journal row included: the CATCH releases the
    -- session lock, which would otherwise refuse every later cycle of the integration for as
    -- long as the session lives (a pooled connection lives for hours).
    BEGIN TRY
        INSERT dbo.MC_AutosyncRun (ErpIntegrationID, ErpSyncStatus, TokenAccount, IsSimulation, Command, StartTime)
        VALUES (@ErpIntegrationID, @Status, @tokenAccount, @Rollback, @Command, @RunStart);
        SET @RunID = SCOPE_IDENTITY();

        -- What dbo.MC_execsql reads when a hook calls it (session context survives rollbacks).
        EXEC sys.sp_set_session_context @key = N'crmdb.integration', @value = @ErpIntegrationID;
        EXEC sys.sp_set_session_context @key = N'crmdb.trace', @value = @Trace;
        EXEC sys.sp_set_session_context @key = N'crmdb.runid', @value = @RunID;

        SET @Message = CONCAT(
            N'MC_runautosync ', @Version, N' : cycle AUTOSYNC n° ', @RunID, CASE WHEN @Rollback = 1 THEN N' (simulation)' ELSE N'' END, @NewLine,
            (SELECT d.Text FROM dbo.MC_serverdescription() AS d), N', ', CONVERT(nvarchar(23), @RunStart, 121), @NewLine,
            N'Intégration ', @ErpIntegrationID, N' (', @IntegrationName, N'), Gestion commerciale ', @GesComBaseInt,
            N', statut ', @Status, N', token ', @tokenAccount, N' (', @TokenOrigin, N')', @NewLine,
            N'Relancer : ', @Command);
        EXEC dbo.MC_print @Message = @Message;

        -------------------------------------------------------------------------------------------
        -- The steps: the replication, then the hooks in the order dbo.MC_autosynchooks gives
        -- (names, order, binding and EXEC text are decided in CrmDb.Clr, HookCatalog).
        -------------------------------------------------------------------------------------------
        DECLARE @Steps TABLE
        (
            StepNo           int            NOT NULL PRIMARY KEY,
            StepType         nvarchar(20)   NOT NULL,
            ObjectName       nvarchar(300)  NOT NULL,
            IsConforming     bit            NOT NULL,
            Reason           nvarchar(max)  NULL,
            Statement        nvarchar(max)  NULL,
            DisplayStatement nvarchar(max)  NULL
        );

        -- The replication has no statement: it is called directly below, so that the ownership
        -- chain covers it (through sp_executesql, EXECUTE on dbo.MC_replicate would be checked
        -- against the caller, and a support login tracing a cycle has none).
        INSERT @Steps (StepNo, StepType, ObjectName, IsConforming, Statement, DisplayStatement)
        VALUES (0, N'Replication', N'dbo.MC_replicate', 1, NULL,
            CONCAT(N'EXEC dbo.MC_replicate @ErpIntegrationID = ', @ErpIntegrationID, N', @tokenAccount = ', @tokenAccount, N', @Trace = ', @Trace, N';'));

        DECLARE @Procedures nvarchar(max) = (SELECT c.Procedures FROM dbo.MC_autosynccatalog() AS c);
        INSERT @Steps (StepNo, StepType, ObjectName, IsConforming, Reason, Statement, DisplayStatement)
        SELECT h.RunOrder, N'Hook', CONCAT(QUOTENAME(h.SchemaName), N'.', QUOTENAME(h.ProcedureName)), h.IsConforming, h.Reason, h.Statement, h.DisplayStatement
        FROM dbo.MC_autosynchooks(@Procedures, @ErpIntegrationID, @Status, @GesComBaseInt, @tokenAccount) AS h;

        -- Each step: its journal row, its transaction, its messages (dbo.MC_runautosyncstep).
        DECLARE @StepNo int = -1;
        DECLARE @StepType nvarchar(20);
        DECLARE @ObjectName nvarchar(300);
        DECLARE @IsConforming bit;
        DECLARE @Reason nvarchar(max);
        DECLARE @Statement nvarchar(max);
        DECLARE @DisplayStatement nvarchar(max);
        DECLARE @StepSucceeded bit;
        DECLARE @StepNewToken int;

        WHILE 1 = 1
        BEGIN
            SELECT TOP (1) @StepNo = s.StepNo, @StepType = s.StepType, @ObjectName = s.ObjectName, @IsConforming = s.IsConforming,
                   @Reason = s.Reason, @Statement = s.Statement, @DisplayStatement = s.DisplayStatement
            FROM @Steps AS s
            WHERE s.StepNo > @StepNo
            ORDER BY s.StepNo;
            IF @@ROWCOUNT = 0
                BREAK;

            EXEC dbo.MC_runautosyncstep
                @RunID = @RunID, @StepType = @StepType, @ObjectName = @ObjectName, @IsConforming = @IsConforming, @Reason = @Reason,
                @Statement = @Statement, @DisplayStatement = @DisplayStatement,
                @ErpIntegrationID = @ErpIntegrationID, @ErpSyncStatus = @Status, @GesComBaseInt = @GesComBaseInt, @tokenAccount = @tokenAccount,
                @Rollback = @Rollback, @Trace = @Trace,
                @Succeeded = @StepSucceeded OUTPUT, @NewToken = @StepNewToken OUTPUT;

            IF @StepType = N'Replication' AND @StepSucceeded = 1
                SET @NewToken = @StepNewToken;
        END;

        EXEC sys.sp_set_session_context @key = N'crmdb.stepid', @value = NULL;

        -------------------------------------------------------------------------------------------
        -- Summary and bookkeeping.
        -------------------------------------------------------------------------------------------
        DECLARE @StepCount int;
        DECLARE @FailedCount int;
        DECLARE @SkippedCount int;
        DECLARE @FailedList nvarchar(max);
        DECLARE @SkippedList nvarchar(max);

        SELECT @StepCount = COUNT(*),
               @FailedCount = ISNULL(SUM(CASE WHEN s.Status IN (N'Failed', N'Committed', N'RolledBack') THEN 1 ELSE 0 END), 0),
               @SkippedCount = ISNULL(SUM(CASE WHEN s.Status = N'Skipped' THEN 1 ELSE 0 END), 0),
               @FailedList = STRING_AGG(CASE WHEN s.Status IN (N'Failed', N'Committed', N'RolledBack') THEN CONVERT(nvarchar(max), CONCAT(N'    - ', s.ObjectName,
                    CASE WHEN s.ErrorNumber IS NULL THEN N'' ELSE CONCAT(N' : erreur ', s.ErrorNumber, N' (ligne ', s.ErrorLine, N')') END,
                    N' : ', s.ErrorMessage)) END, @NewLine) WITHIN GROUP (ORDER BY s.StepID),
               @SkippedList = STRING_AGG(CASE WHEN s.Status = N'Skipped' THEN CONVERT(nvarchar(max), CONCAT(N'    - ', s.ObjectName, N' : ', s.ErrorMessage)) END, @NewLine)
                    WITHIN GROUP (ORDER BY s.StepID)
        FROM dbo.MC_AutosyncStep AS s
        WHERE s.RunID = @RunID AND s.ParentStepID IS NULL;

        SET @ReturnCode = CASE WHEN @FailedCount + @SkippedCount > 0 THEN 1 ELSE 0 END;

        UPDATE dbo.MC_AutosyncRun
        SET EndTime = SYSDATETIME(), Status = CASE WHEN @ReturnCode = 0 THEN N'Succeeded' ELSE N'Failed' END, NewToken = @NewToken,
            StepCount = @StepCount, FailedCount = @FailedCount, SkippedCount = @SkippedCount
        WHERE RunID = @RunID;

        IF @Rollback = 0
            UPDATE dbo.MC_Integration
            SET LastToken = ISNULL(@NewToken, LastToken), LastStatus = @Status, LastRunAt = SYSDATETIME()
            WHERE ErpIntegrationID = @ErpIntegrationID;

        SET @Message = CONCAT(
            N'=== Résumé du cycle AUTOSYNC n° ', @RunID, N' de l''intégration ', @ErpIntegrationID, N' (', @IntegrationName, N')',
            CASE WHEN @Rollback = 1 THEN N', simulation' ELSE N'' END, N' ===', @NewLine,
            N'Étapes : ', @StepCount, N' ; réussies : ', @StepCount - @FailedCount - @SkippedCount, N' ; en échec : ', @FailedCount,
            N' ; non exécutées : ', @SkippedCount, N' ; durée : ', DATEDIFF(MILLISECOND, @RunStart, SYSDATETIME()), N' ms.',
            CASE WHEN @FailedCount > 0 THEN CONCAT(@NewLine, N'En échec :', @NewLine, @FailedList) ELSE N'' END,
            CASE WHEN @SkippedCount > 0 THEN CONCAT(@NewLine, N'Non exécutées (non conformes, voir EXEC dbo.MC_listautosync) :', @NewLine, @SkippedList) ELSE N'' END,
            CASE WHEN @ReturnCode = 0 THEN CONCAT(@NewLine, N'Cycle terminé sans erreur.')
                 ELSE CONCAT(@NewLine, N'Prenez connaissance de ces erreurs, corrigez-les, puis relancez le traitement :', @NewLine, N'    ', @Command,
                     @NewLine, N'Détail : SELECT * FROM dbo.MC_AutosyncStep WHERE RunID = ', @RunID, N' ORDER BY StepID;') END,
            CASE WHEN @Rollback = 1 THEN CONCAT(@NewLine, N'Simulation : les modifications de chaque étape ont été annulées à sa fin ; ',
                N'une procédure ne voyait donc pas les modifications des précédentes.')
                 ELSE CONCAT(@NewLine, N'Prochain cycle à partir du token ', COALESCE(@NewToken, @LastToken, 0), N'.') END);
        EXEC dbo.MC_print @Message = @Message;
    END TRY
    BEGIN CATCH
        -- Reached only when the run itself cannot go on (its own bookkeeping failed): roll back
        -- first, then record; no write while a transaction may be doomed.
        IF XACT_STATE() <> 0
            ROLLBACK TRANSACTION;

        BEGIN TRY
            UPDATE dbo.MC_AutosyncRun SET EndTime = SYSDATETIME(), Status = N'Failed' WHERE RunID = @RunID;
        END TRY
        BEGIN CATCH
            SET @Message = CONCAT(N'MC_runautosync : le cycle n° ', @RunID, N' n''a pas pu être marqué en échec (', ERROR_MESSAGE(), N').');
            EXEC dbo.MC_print @Message = @Message;
        END CATCH;

        BEGIN TRY
            EXEC sys.sp_set_session_context @key = N'crmdb.integration', @value = NULL;
            EXEC sys.sp_set_session_context @key = N'crmdb.trace', @value = NULL;
            EXEC sys.sp_set_session_context @key = N'crmdb.runid', @value = NULL;
            EXEC sys.sp_set_session_context @key = N'crmdb.stepid', @value = NULL;
            EXEC sys.sp_releaseapplock @Resource = @LockResource, @LockOwner = N'Session';
        END TRY
        BEGIN CATCH
            -- The original error matters more; a lock not released ends with the session.
            SET @Message = CONCAT(N'MC_runautosync : nettoyage incomplet (', ERROR_MESSAGE(), N').');
            EXEC dbo.MC_print @Message = @Message;
        END CATCH;

        THROW;
    END CATCH;

    EXEC sys.sp_set_session_context @key = N'crmdb.integration', @value = NULL;
    EXEC sys.sp_set_session_context @key = N'crmdb.trace', @value = NULL;
    EXEC sys.sp_set_session_context @key = N'crmdb.runid', @value = NULL;
    EXEC sys.sp_releaseapplock @Resource = @LockResource, @LockOwner = N'Session';
    RETURN @ReturnCode;
END;
