/*
MC_execsql: the executor AUTOSYNC hooks (and integrators in SSMS) pass their statements to, in the
manner of Ola Hallengren's CommandExecute.

For one statement: expands the #F_<TABLE># and #P_<TABLE># tokens for the integration's GesCom
database (dbo.MC_expandtokens), runs it through sp_executesql with its parameters, journals it
in dbo.MC_AutosyncStep (under the hook's step when a cycle runs), prints the expanded text, its
values, its row count and duration when tracing, and only prints under @Execute = 'N'.
Outside a transaction it runs in one of its own; inside the caller's (a hook's step transaction)
it runs in that one and takes no savepoint, since the statement may write through a linked
server (docs/autosync.md, "Transactions"). On error it prints the statement and the error,
rolls back its own transaction (the runner rolls back the hook's step) and raises the error
again, so that the hook, and the cycle's runner, know: THROW, or RAISERROR while the caller's
transaction is still committable, so that it is never doomed here.

Parameters
    @Statement        nvarchar(max)   the statement (one batch, no GO). Required.
    @Parameters       nvarchar(4000)  its parameters as sp_executesql declares them, e.g.
                                      N'@since int, @ct nvarchar(17)'; input only, 10 at most.
    @Value1..@Value10 sql_variant     the values, in the order of @Parameters (@Value1 for the
                                      first); each is converted to its declared type.
    @Label            nvarchar(200)   what the statement does, for the journal and the trace.
    @ErpIntegrationID int = NULL      whose GesCom the tokens name; NULL: the cycle's
                                      (session context crmdb.integration, set by MC_runautosync).
    @Trace            bit = NULL      1: print; NULL: the cycle's (session context crmdb.trace), else 0.
    @Execute          nchar(1) = 'Y'  'N': print the statement and journal it as NotExecuted.
    @RowCount         int OUTPUT      rows affected by the statement's last instruction.
    @Help             bit = 0         1: print this usage, run nothing.

Values: sql_variant holds up to 8,000 bytes and no (n)varchar(max) or xml; for more, fill a
temporary table before the call and read it in the statement.

Example (in a hook)
    EXEC dbo.MC_execsql
        @Statement  = N'UPDATE A SET acc_numpayeur_repli = G.CT_NumPayeur
                        FROM dbo.Account AS A
                        JOIN #F_COMPTET# AS G ON G.CT_Num COLLATE DATABASE_DEFAULT = A.acc_erp_account_id
                        WHERE G.cbReplication >= @since;',
        @Parameters = N'@since int',
        @Value1     = @tokenAccount,
        @Label      = N'Payeur des tiers modifiés';

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_execsql
    @Statement        nvarchar(max)  = NULL,
    @Parameters       nvarchar(4000) = NULL,
    @Value1           sql_variant    = NULL,
    @Value2           sql_variant    = NULL,
    @Value3           sql_variant    = NULL,
    @Value4           sql_variant    = NULL,
    @Value5           sql_variant    = NULL,
    @Value6           sql_variant    = NULL,
    @Value7           sql_variant    = NULL,
    @Value8           sql_variant    = NULL,
    @Value9           sql_variant    = NULL,
    @Value10          sql_variant    = NULL,
    @Label            nvarchar(200)  = NULL,
    @ErpIntegrationID int            = NULL,
    @Trace            bit            = NULL,
    @Execute          nchar(1)       = N'Y',
    @RowCount         int            = NULL OUTPUT,
    @Help             bit            = 0
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    SET @RowCount = NULL;   -- no stale value from the caller on the paths that run nothing

    DECLARE @Message nvarchar(max);
    DECLARE @NewLine nchar(1) = NCHAR(10);

    IF @Help = 1
    BEGIN
        SET @Message = CONCAT(
            N'MC_execsql 1.0.0 : exécute une requête d''intégrateur, jokers #F_/#P_ développés, avec ses paramètres, et la journalise.', @NewLine,
            @NewLine,
            N'EXEC dbo.MC_execsql', @NewLine,
            N'    @Statement  = N''UPDATE ... FROM #F_COMPTET# AS G WHERE G.cbReplication >= @since;'',', @NewLine,
            N'    @Parameters = N''@since int'',        -- déclarations comme pour sp_executesql (10 au plus, en entrée)', @NewLine,
            N'    @Value1     = @tokenAccount,         -- valeur du 1er paramètre, @Value2 du 2e, ...', @NewLine,
            N'    @Label      = N''Mise à jour ...'',    -- libellé du journal', @NewLine,
            N'    @Execute    = N''Y'';                -- N : affiche sans exécuter', @NewLine,
            N'Dans une procédure AUTOSYNC, l''intégration et la trace sont celles du cycle ; hors cycle, donnez @ErpIntegrationID (et @Trace = 1).', @NewLine,
            N'Journal : dbo.MC_AutosyncStep (StepType = ''Statement'').');
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    SET @ErpIntegrationID = COALESCE(@ErpIntegrationID, TRY_CONVERT(int, SESSION_CONTEXT(N'crmdb.integration')));
    SET @Trace = COALESCE(@Trace, TRY_CONVERT(bit, SESSION_CONTEXT(N'crmdb.trace')), 0);
    SET @Execute = UPPER(@Execute);
    DECLARE @RunID int = TRY_CONVERT(int, SESSION_CONTEXT(N'crmdb.runid'));
    DECLARE @ParentStepID int = TRY_CONVERT(int, SESSION_CONTEXT(N'crmdb.stepid'));

    ---------------------------------------------------------------------------------------------
    -- Parameters: every problem is collected, then all are reported together; nothing runs.
    ---------------------------------------------------------------------------------------------
    DECLARE @Errors TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, Message nvarchar(2000) NOT NULL);
    DECLARE @Plan TABLE (Position int NOT NULL PRIMARY KEY, Name nvarchar(128) NULL, TypeText nvarchar(4000) NULL, Wrapper nvarchar(max) NULL, ErrorMessage nvarchar(4000) NULL);
    DECLARE @Values TABLE (Position int NOT NULL PRIMARY KEY, Value sql_variant NULL);
    DECLARE @GesComServer nvarchar(128);
    DECLARE @GesComDatabase nvarchar(128);
    DECLARE @Expanded nvarchar(max) = @Statement;
    DECLARE @Wrapper nvarchar(max);
    DECLARE @Declared int;

    IF @Statement IS NULL OR LTRIM(RTRIM(@Statement)) = N''
        INSERT @Errors (Message) VALUES (N'@Statement est vide : donnez la requête à exécuter.');

    IF @Execute IS NULL OR @Execute NOT IN (N'Y', N'N')
        INSERT @Errors (Message) VALUES (CONCAT(N'@Execute = ', ISNULL(N'''' + @Execute + N'''', N'NULL'), N' : valeurs admises Y (exécuter) ou N (afficher seulement).'));

    IF @Trace IS NULL
        INSERT @Errors (Message) VALUES (N'@Trace = NULL : valeurs admises 0 ou 1.');

    IF @ErpIntegrationID IS NOT NULL
    BEGIN
        SELECT @GesComServer = i.GesComServer, @GesComDatabase = i.GesComDatabase
        FROM dbo.MC_Integration AS i
        WHERE i.ErpIntegrationID = @ErpIntegrationID;

        IF @GesComDatabase IS NULL
            INSERT @Errors (Message)
            VALUES (CONCAT(N'@ErpIntegrationID = ', @ErpIntegrationID, N' : aucune intégration de ce numéro dans dbo.MC_Integration (crmdb integration list).'));
    END;

    IF @Statement IS NOT NULL
    BEGIN TRY
        IF @GesComDatabase IS NOT NULL
            SET @Expanded = dbo.MC_expandtokens(@Statement, @GesComServer, @GesComDatabase);
        ELSE IF @ErpIntegrationID IS NULL AND dbo.MC_expandtokens(@Statement, N'', N'x') <> @Statement
            INSERT @Errors (Message)
            VALUES (N'La requête contient des jokers #F_/#P_ mais aucune intégration n''est connue : appelez MC_execsql depuis une procédure AUTOSYNC exécutée par MC_runautosync, ou donnez @ErpIntegrationID.');
    END TRY
    BEGIN CATCH
        INSERT @Errors (Message)
        VALUES (LEFT(CONCAT(N'Développement des jokers #F_/#P_ impossible (', ERROR_MESSAGE(), N') : vérifiez l''intégration (crmdb integration list) et que CLR est activé.'), 2000));
    END CATCH;

    BEGIN TRY
        INSERT @Plan (Position, Name, TypeText, Wrapper, ErrorMessage)
        SELECT p.Position, p.Name, p.TypeText, p.Wrapper, p.ErrorMessage FROM dbo.MC_execsqlplan(@Parameters) AS p;
    END TRY
    BEGIN CATCH
        INSERT @Errors (Message) VALUES (LEFT(CONCAT(N'@Parameters ne peut pas être lu (', ERROR_MESSAGE(), N') : vérifiez que CLR est activé.'), 2000));
    END CATCH;

    SELECT @Wrapper = p.Wrapper FROM @Plan AS p WHERE p.Position = 0;
    INSERT @Errors (Message) SELECT p.ErrorMessage FROM @Plan AS p WHERE p.Position = 0 AND p.ErrorMessage IS NOT NULL;
    SELECT @Declared = COUNT(*) FROM @Plan AS p WHERE p.Position > 0;

    INSERT @Values (Position, Value)
    VALUES (1, @Value1), (2, @Value2), (3, @Value3), (4, @Value4), (5, @Value5),
           (6, @Value6), (7, @Value7), (8, @Value8), (9, @Value9), (10, @Value10);

    INSERT @Errors (Message)
    SELECT CONCAT(N'@Value', v.Position, N' est renseigné mais @Parameters ne déclare que ', @Declared, N' paramètre(s) : déclarez-en un par valeur, dans l''ordre.')
    FROM @Values AS v
    WHERE v.Value IS NOT NULL AND v.Position > @Declared
    ORDER BY v.Position;

    IF EXISTS (SELECT 1 FROM @Errors)
    BEGIN
        DECLARE @ErrorList nvarchar(max) =
            (SELECT STRING_AGG(CONVERT(nvarchar(max), e.Message), @NewLine) WITHIN GROUP (ORDER BY e.ID) FROM @Errors AS e);
        SET @Message = CONCAT(N'MC_execsql', ISNULL(N' [' + @Label + N']', N''), N' : paramètres invalides, rien n''a été exécuté.', @NewLine, @ErrorList);
        EXEC dbo.MC_print @Message = @Message;
        DECLARE @FirstError nvarchar(2048) = CONCAT(N'MC_execsql : paramètres invalides (détail ci-dessus) : ', (SELECT TOP (1) e.Message FROM @Errors AS e ORDER BY e.ID));
        -- Nothing ran: a caller's transaction stays committable (RAISERROR; THROW would doom it
        -- under XACT_ABORT). Inside a cycle the runner's TRY catches it and the hook stops.
        IF @@TRANCOUNT > 0
        BEGIN
            RAISERROR(N'%s', 16, 1, @FirstError);
            RETURN 1;
        END;
        THROW 50000, @FirstError, 1;
    END;

    ---------------------------------------------------------------------------------------------
    -- Journal, trace, execution.
    ---------------------------------------------------------------------------------------------
    DECLARE @Shown nvarchar(max) =
    (
        SELECT STRING_AGG(CONVERT(nvarchar(max), CONCAT(p.Name, N' ', p.TypeText, N' = ',
                   CASE WHEN v.Value IS NULL THEN N'NULL'
                        WHEN CONVERT(sysname, SQL_VARIANT_PROPERTY(v.Value, 'BaseType')) IN (N'nvarchar', N'nchar', N'varchar', N'char')
                            THEN N'N''' + REPLACE(CONVERT(nvarchar(4000), v.Value), N'''', N'''''') + N''''
                        ELSE CONVERT(nvarchar(4000), v.Value) END)), N', ') WITHIN GROUP (ORDER BY p.Position)
        FROM @Plan AS p
        JOIN @Values AS v ON v.Position = p.Position
        WHERE p.Position > 0
    );
    DECLARE @StepStart datetime2(3) = SYSDATETIME();
    DECLARE @StepID int;

    -- Journaled before its own transaction, so that its rollback keeps the row.
    INSERT dbo.MC_AutosyncStep (RunID, ParentStepID, StepType, ObjectName, ErpIntegrationID, Command, Parameters, Status, StartTime, EndTime)
    VALUES (@RunID, @ParentStepID, N'Statement', @Label, @ErpIntegrationID, @Expanded, @Shown,
            CASE WHEN @Execute = N'N' THEN N'NotExecuted' ELSE N'Running' END, @StepStart,
            CASE WHEN @Execute = N'N' THEN @StepStart END);
    SET @StepID = SCOPE_IDENTITY();

    IF @Trace = 1 OR @Execute = N'N'
    BEGIN
        SET @Message = CONCAT(N'    MC_execsql', ISNULL(N' [' + @Label + N']', N''),
            CASE WHEN @Execute = N'N' THEN N' (non exécutée : @Execute = ''N'')' ELSE N'' END, N' :', @NewLine,
            @Expanded,
            CASE WHEN @Shown IS NOT NULL THEN CONCAT(@NewLine, N'    Paramètres : ', @Shown) ELSE N'' END);
        EXEC dbo.MC_print @Message = @Message;
    END;

    IF @Execute = N'N'
        RETURN 0;

    -- Its own transaction when there is none; inside the caller's (a hook's step transaction)
    -- it runs in it, and takes NO savepoint: the statement may write through a linked server,
    -- and a transaction holding a savepoint cannot be promoted to a distributed one (Msg 3933),
    -- nor can a distributed one take a savepoint (Msg 627): "SAVE TRANSACTION (Transact-SQL)",
    -- learn.microsoft.com/sql/t-sql/language-elements/save-transaction-transact-sql.
    DECLARE @OwnTransaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    BEGIN TRY
        IF @OwnTransaction = 1
            BEGIN TRANSACTION;

        -- The wrapper (built by CrmDb.Clr, ExecSqlBinding) converts each value to its declared
        -- type and calls sp_executesql with @Statement, @Parameters and each parameter by name.
        -- Values by position: no stub of sp_executesql can declare a statement's own parameters.
        EXEC sys.sp_executesql
            @Wrapper,
            N'@Statement nvarchar(max), @Value1 sql_variant, @Value2 sql_variant, @Value3 sql_variant, @Value4 sql_variant, @Value5 sql_variant, @Value6 sql_variant, @Value7 sql_variant, @Value8 sql_variant, @Value9 sql_variant, @Value10 sql_variant, @RowCount int OUTPUT',
            @Expanded, @Value1, @Value2, @Value3, @Value4, @Value5, @Value6, @Value7, @Value8, @Value9, @Value10, @RowCount OUTPUT;

        IF @OwnTransaction = 1
            COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        DECLARE @ErrorNumber int = ERROR_NUMBER();
        DECLARE @ErrorSeverity int = ERROR_SEVERITY();
        DECLARE @ErrorState int = ERROR_STATE();
        DECLARE @ErrorProcedure nvarchar(128) = ERROR_PROCEDURE();
        DECLARE @ErrorLine int = ERROR_LINE();
        DECLARE @ErrorMessage nvarchar(4000) = ERROR_MESSAGE();

        -- Roll back first, then record. In the caller's transaction nothing can be undone alone:
        -- the caller (the cycle's runner) rolls back the whole step.
        IF @OwnTransaction = 1 AND XACT_STATE() <> 0
            ROLLBACK TRANSACTION;

        -- In a doomed transaction nothing can be written: the runner marks the row when it rolls back.
        IF XACT_STATE() <> -1
            UPDATE dbo.MC_AutosyncStep
            SET EndTime = SYSDATETIME(), Status = N'Failed', ErrorNumber = @ErrorNumber, ErrorSeverity = @ErrorSeverity,
                ErrorState = @ErrorState, ErrorProcedure = @ErrorProcedure, ErrorLine = @ErrorLine, ErrorMessage = @ErrorMessage
            WHERE StepID = @StepID;

        SET @Message = CONCAT(N'    ERREUR MC_execsql', ISNULL(N' [' + @Label + N']', N''), N' : erreur ', @ErrorNumber, N', gravité ', @ErrorSeverity,
            N', état ', @ErrorState, N', ligne ', @ErrorLine, N' de la requête : ', @ErrorMessage,
            CASE WHEN @Trace = 1 THEN N'' ELSE CONCAT(@NewLine, N'    Requête :', @NewLine, @Expanded,
                CASE WHEN @Shown IS NOT NULL THEN CONCAT(@NewLine, N'    Paramètres : ', @Shown) ELSE N'' END) END);
        EXEC dbo.MC_print @Message = @Message;

        -- Never doom a caller's transaction that is still committable: RAISERROR there (the
        -- original number is in the text), THROW (the original error) everywhere else.
        IF XACT_STATE() = 1
        BEGIN
            DECLARE @Raised nvarchar(2047) = LEFT(CONCAT(N'MC_execsql', ISNULL(N' [' + @Label + N']', N''), N' : erreur ', @ErrorNumber, N' : ', @ErrorMessage), 2047);
            RAISERROR(N'%s', 16, 1, @Raised);
            RETURN 1;
        END;

        THROW;
    END CATCH;

    UPDATE dbo.MC_AutosyncStep
    SET EndTime = SYSDATETIME(), Status = N'Succeeded', RowsAffected = @RowCount
    WHERE StepID = @StepID;

    IF @Trace = 1
    BEGIN
        SET @Message = CONCAT(N'    -> ', ISNULL(@RowCount, 0), N' ligne(s), ', DATEDIFF(MILLISECOND, @StepStart, SYSDATETIME()), N' ms');
        EXEC dbo.MC_print @Message = @Message;
    END;

    RETURN 0;
END;
