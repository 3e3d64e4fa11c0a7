/*
MC_traceautosync: for support, in SSMS. Simulates the end of a synchronisation cycle for one
integration, or for every active one, with tracing on, and by default rolls everything back.

USE <baseCRM>;
EXEC MC_traceautosync;
then read the Messages tab: a header (server, version, database, the EXEC line to rerun), then
per integration the replication and each AUTOSYNC hook called (the EXEC with its values), each
statement passed through dbo.MC_execsql or run by the replication (expanded), rows, durations,
errors, and a summary. Messages stream as they come (dbo.MC_print).

Simulation (@Rollback = 1): dbo.MC_runautosync rolls each step's transaction back at the step's
end. One outer transaction around all hooks would be doomed by the first error (XACT_ABORT), so
each hook runs alone: a hook does NOT see the changes of the hooks before it, and may behave
differently than in a real cycle. Writes through a linked server (a GesCom on another instance)
enlist a distributed transaction: they need MSDTC between the two servers, and where it is not
configured they fail in the simulation as in a real cycle; the trace cannot roll back what a
linked server committed outside a transaction (remote procedures with their own commit). The run
journal (dbo.MC_AutosyncRun, IsSimulation = 1) is kept.

Parameters
    @ErpIntegrationID int = NULL            one integration; NULL: every active one (dbo.MC_Integration.IsActive = 1).
    @ErpSyncStatus    nvarchar(10) = N'success'  the status the hooks receive: success, fail or warning.
    @tokenAccount     int = NULL            watermark the hooks receive; NULL: each integration's LastToken.
    @Rollback         bit = 1               1: simulation (default); 0: a real cycle, changes kept, for
                                            whoever may execute dbo.MC_runautosync (not MC_support).
    @Help             bit = 0               1: print this usage, run nothing.

Return codes: the highest of dbo.MC_runautosync's (0 all succeeded, 1 a step failed or was not
run, 2 invalid parameters, 3 a cycle was already running).

Example
    EXEC dbo.MC_traceautosync @ErpIntegrationID = 1, @tokenAccount = 0;

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_traceautosync
    @ErpIntegrationID int          = NULL,
    @ErpSyncStatus    nvarchar(10) = N'success',
    @tokenAccount     int          = NULL,
    @Rollback         bit          = 1,
    @Help             bit          = 0
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @Version nvarchar(20) = N'1.0.0';
    DECLARE @Message nvarchar(max);
    DECLARE @NewLine nchar(1) = NCHAR(10);

    IF @Help = 1
    BEGIN
        SET @Message = CONCAT(
            N'MC_traceautosync ', @Version, N' : simule la fin d''un cycle de synchronisation et trace les procédures AUTOSYNC.', @NewLine,
            @NewLine,
            N'USE <baseCRM>;', @NewLine,
            N'EXEC MC_traceautosync                 -- toutes les intégrations actives', @NewLine,
            N'    @ErpIntegrationID = NULL,         -- ou une seule intégration', @NewLine,
            N'    @ErpSyncStatus    = N''success'',   -- statut transmis : success, fail ou warning', @NewLine,
            N'    @tokenAccount     = NULL,         -- NULL : dernier token de chaque intégration', @NewLine,
            N'    @Rollback         = 1;            -- 1 : tout est annulé (défaut) ; 0 : cycle réel (droit d''exécuter MC_runautosync)', @NewLine,
            N'Puis lisez l''onglet Messages. En simulation, chaque procédure est annulée à sa fin : elle ne voit pas les modifications des précédentes.');
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    DECLARE @Errors TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, Message nvarchar(2000) NOT NULL);
    DECLARE @Status nvarchar(10) = LOWER(LTRIM(RTRIM(@ErpSyncStatus)));

    IF @Status IS NULL OR @Status NOT IN (N'success', N'fail', N'warning')
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@ErpSyncStatus = ', ISNULL(N'''' + @ErpSyncStatus + N'''', N'NULL'), N' : valeurs admises success (défaut), fail ou warning.'));

    IF @Rollback IS NULL
        INSERT @Errors (Message) VALUES (N'@Rollback = NULL : valeurs admises 1 (simulation, défaut) ou 0 (cycle réel).');

    -- A real cycle is MC_runautosync's right, not the trace's: without this check a support login
    -- (EXECUTE on this procedure only) would run real cycles through the ownership chain.
    -- HAS_PERMS_BY_NAME is NULL when it cannot answer (a procedure the caller may not see): no right.
    IF @Rollback = 0 AND ISNULL(HAS_PERMS_BY_NAME(N'dbo.MC_runautosync', N'OBJECT', N'EXECUTE'), 0) = 0
        INSERT @Errors (Message)
        VALUES (N'@Rollback = 0 exécute un cycle réel, dont les modifications sont conservées : réservé à qui peut exécuter dbo.MC_runautosync (rôle MC_integrator). Pour une simulation, gardez @Rollback = 1.');

    IF @tokenAccount < 0
        INSERT @Errors (Message) VALUES (CONCAT(N'@tokenAccount = ', @tokenAccount, N' : un token de réplication est positif ou nul.'));

    -- dbo.MC_runautosync refuses to run inside a transaction (no savepoints: docs/autosync.md).
    IF @@TRANCOUNT > 0
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@@TRANCOUNT = ', @@TRANCOUNT, N' : la trace s''exécute hors transaction (chaque étape du cycle a sa propre transaction). ',
            N'Validez ou annulez d''abord la transaction ouverte (COMMIT ou ROLLBACK), puis relancez.'));

    -- NULL: every active integration, nothing to check.
    INSERT @Errors (Message)
    SELECT u.Message FROM dbo.MC_unknownintegration(@ErpIntegrationID) AS u;

    IF EXISTS (SELECT 1 FROM @Errors)
    BEGIN
        SET @Message = (SELECT STRING_AGG(CONVERT(nvarchar(max), e.Message), @NewLine) WITHIN GROUP (ORDER BY e.ID) FROM @Errors AS e);
        EXEC dbo.MC_raiseparametererrors @Procedure = N'MC_traceautosync', @Errors = @Message;
        RETURN 2;
    END;

    DECLARE @Rerun nvarchar(max) = CONCAT(N'EXEC dbo.MC_traceautosync @ErpIntegrationID = ', ISNULL(CONVERT(nvarchar(11), @ErpIntegrationID), N'NULL'),
        N', @ErpSyncStatus = N''', @Status, N''', @tokenAccount = ', ISNULL(CONVERT(nvarchar(11), @tokenAccount), N'NULL'), N', @Rollback = ', @Rollback, N';');

    SET @Message = CONCAT(
        N'MC_traceautosync ', @Version, N' : simulation de fin de cycle de synchronisation', @NewLine,
        (SELECT d.Text FROM dbo.MC_serverdescription() AS d), N', ', CONVERT(nvarchar(23), SYSDATETIME(), 121),
        N', utilisateur ', ORIGINAL_LOGIN(), @NewLine,
        N'Relancer : ', @Rerun, @NewLine,
        CASE WHEN @Rollback = 1
             THEN CONCAT(N'Simulation : chaque étape est annulée à sa fin ; une procédure ne voit donc pas les modifications des précédentes.', @NewLine,
                  N'Les écritures vers un serveur lié passent par une transaction distribuée (MSDTC) : sans MSDTC elles échouent ici comme en cycle réel.')
             ELSE N'ATTENTION : @Rollback = 0, les modifications sont VALIDÉES comme lors d''un vrai cycle.' END);
    EXEC dbo.MC_print @Message = @Message;

    DECLARE @Runs TABLE (ErpIntegrationID int NOT NULL PRIMARY KEY, Name nvarchar(100) NOT NULL, ReturnCode int NULL, RunID int NULL);
    INSERT @Runs (ErpIntegrationID, Name)
    SELECT i.ErpIntegrationID, i.Name
    FROM dbo.MC_Integration AS i
    WHERE (@ErpIntegrationID IS NULL AND i.IsActive = 1) OR i.ErpIntegrationID = @ErpIntegrationID;

    IF NOT EXISTS (SELECT 1 FROM @Runs)
    BEGIN
        SET @Message = N'Aucune intégration active dans dbo.MC_Integration : rien à tracer (crmdb integration list, crmdb integration add).';
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    DECLARE @Current int = -2147483648;
    DECLARE @Name nvarchar(100);
    DECLARE @RunReturn int;
    DECLARE @RunID int;
    WHILE 1 = 1
    BEGIN
        SELECT TOP (1) @Current = r.ErpIntegrationID, @Name = r.Name
        FROM @Runs AS r
        WHERE r.ErpIntegrationID > @Current
        ORDER BY r.ErpIntegrationID;
        IF @@ROWCOUNT = 0
            BREAK;

        SET @Message = CONCAT(@NewLine, N'##### Intégration ', @Current, N' (', @Name, N') #####');
        EXEC dbo.MC_print @Message = @Message;

        SELECT @RunReturn = NULL, @RunID = NULL;
        BEGIN TRY
            EXEC @RunReturn = dbo.MC_runautosync
                @ErpIntegrationID = @Current,
                @ErpSyncStatus = @Status,
                @tokenAccount = @tokenAccount,
                @Rollback = @Rollback,
                @Trace = 1,
                @RunID = @RunID OUTPUT;
        END TRY
        BEGIN CATCH
            -- The runner stopped (see its message): go on with the next integration if we can.
            IF XACT_STATE() = -1
                THROW;
            SET @RunReturn = 1;
            SET @Message = CONCAT(N'ARRÊT du cycle de l''intégration ', @Current, N' : erreur ', ERROR_NUMBER(), N', ligne ', ERROR_LINE(),
                N', procédure ', ISNULL(ERROR_PROCEDURE(), N'-'), N' : ', ERROR_MESSAGE());
            EXEC dbo.MC_print @Message = @Message;
        END CATCH;

        UPDATE @Runs SET ReturnCode = @RunReturn, RunID = @RunID WHERE ErpIntegrationID = @Current;
    END;

    DECLARE @Summary nvarchar(max) =
    (
        SELECT STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'    Intégration ', r.ErpIntegrationID, N' (', r.Name, N') : ',
            CASE r.ReturnCode
                WHEN 0 THEN N'sans erreur'
                WHEN 1 THEN N'ERREURS, voir ci-dessus'
                WHEN 2 THEN N'paramètres invalides, rien exécuté'
                WHEN 3 THEN N'cycle déjà en cours, rien exécuté'
                ELSE CONCAT(N'code ', r.ReturnCode) END,
            CASE WHEN r.RunID IS NOT NULL THEN CONCAT(N' (journal : RunID = ', r.RunID, N')') ELSE N'' END)), @NewLine)
            WITHIN GROUP (ORDER BY r.ErpIntegrationID)
        FROM @Runs AS r
    );
    DECLARE @Worst int = (SELECT MAX(ISNULL(r.ReturnCode, 1)) FROM @Runs AS r);

    SET @Message = CONCAT(@NewLine, N'===== Fin de la trace =====', @NewLine, @Summary,
        CASE WHEN @Worst = 0 THEN N'' ELSE CONCAT(@NewLine, N'Corrigez les erreurs signalées, puis relancez : ', @Rerun) END,
        CASE WHEN @Rollback = 1 THEN CONCAT(@NewLine, N'Simulation : aucune modification n''a été conservée.') ELSE N'' END);
    EXEC dbo.MC_print @Message = @Message;

    RETURN @Worst;
END;
