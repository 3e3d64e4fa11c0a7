/*
AutosyncErrorTests: dbo.MC_runautosync when hooks fail. Under XACT_ABORT a failing hook dooms
the transaction it runs in, so these tests run outside tSQLt's transaction, as a real cycle
does (--[@tSQLt:NoTransaction]): tSQLt undoes the fakes and spies after each test, and
AutosyncErrorTests.CleanUp drops the hooks the test created and empties the log.
*/
EXEC tSQLt.NewTestClass 'AutosyncErrorTests';
GO

CREATE TABLE AutosyncErrorTests.HookLog
(
    Seq  int IDENTITY(1, 1) PRIMARY KEY,
    Hook sysname NOT NULL
);
GO

-- A row here makes the spied replication fail.
CREATE TABLE AutosyncErrorTests.ReplicationFails (Reason nvarchar(100) NOT NULL);
GO

CREATE PROCEDURE AutosyncErrorTests.CreateHook
    @Name sysname,
    @Body nvarchar(max)
AS
BEGIN
    DECLARE @Create nvarchar(max) = CONCAT(N'CREATE PROCEDURE dbo.', QUOTENAME(@Name), N' @tokenAccount int AS BEGIN SET NOCOUNT ON; ', @Body, N' END;');
    EXEC sys.sp_executesql @Create;
END;
GO

CREATE PROCEDURE AutosyncErrorTests.CleanUp
AS
BEGIN
    DECLARE @Name sysname;
    DECLARE @Drop nvarchar(max);
    WHILE 1 = 1
    BEGIN
        SET @Name = (SELECT TOP (1) p.name FROM sys.procedures AS p WHERE p.schema_id = SCHEMA_ID(N'dbo') AND p.name LIKE N'AUTOSYNC[_]%[_]tsqlterr[_]%' ORDER BY p.name);
        IF @Name IS NULL
            BREAK;
        SET @Drop = N'DROP PROCEDURE dbo.' + QUOTENAME(@Name) + N';';
        EXEC sys.sp_executesql @Drop;
    END;

    DELETE AutosyncErrorTests.HookLog;
    DELETE AutosyncErrorTests.ReplicationFails;
END;
GO

CREATE PROCEDURE AutosyncErrorTests.SetUp
AS
BEGIN
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_Integration';
    INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase, IsActive, LastToken)
    VALUES (1, N'Bijou', N'', N'GESCOM', 1, 100);
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_AutosyncRun', @Identity = 1;
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_AutosyncStep', @Identity = 1;
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_replicate', @CommandToExecute = N'
        DECLARE @Reason nvarchar(100) = (SELECT TOP (1) Reason FROM AutosyncErrorTests.ReplicationFails);
        IF @Reason IS NOT NULL
            THROW 50002, @Reason, 1;
        SET @RowsChanged = 0;
        SET @NewToken = 120;';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncErrorTests.CleanUp')
CREATE PROCEDURE AutosyncErrorTests.[test a failing hook is rolled back alone and the next hooks run]
AS
BEGIN
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0100_tsqlterr_before', N'INSERT AutosyncErrorTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0200_tsqlterr_fails', N'INSERT AutosyncErrorTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID)); DECLARE @x int = 1 / 0;';
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0300_tsqlterr_after', N'INSERT AutosyncErrorTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';

    DECLARE @ReturnCode int;
    EXEC @ReturnCode = dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success';

    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @ReturnCode;
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @@TRANCOUNT;
    SELECT Hook INTO #Actual FROM AutosyncErrorTests.HookLog;
    CREATE TABLE #Expected (Hook sysname COLLATE DATABASE_DEFAULT);
    INSERT #Expected VALUES (N'AUTOSYNC_0100_tsqlterr_before'), (N'AUTOSYNC_0300_tsqlterr_after');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncErrorTests.CleanUp')
CREATE PROCEDURE AutosyncErrorTests.[test the failed step records the error number severity state procedure line and message]
AS
BEGIN
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0100_tsqlterr_throws', N'THROW 50123, N''échec voulu'', 7;';

    DECLARE @RunID int;
    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success', @RunID = @RunID OUTPUT;

    -- ERROR_PROCEDURE() is schema.name from SQL Server 2017 when the procedure was called with
    -- its schema, the bare name otherwise (learn.microsoft.com/sql/t-sql/functions/error-procedure-transact-sql):
    -- compare the name, and accept no schema or dbo.
    SELECT Status, ErrorNumber, ErrorSeverity, ErrorState, PARSENAME(ErrorProcedure, 1) AS ErrorProcedure,
           CASE WHEN PARSENAME(ErrorProcedure, 2) IS NULL OR PARSENAME(ErrorProcedure, 2) = N'dbo' THEN 1 ELSE 0 END AS SchemaIsDboOrAbsent,
           ErrorMessage, CASE WHEN ErrorLine > 0 THEN 1 ELSE 0 END AS HasLine
    INTO #Actual FROM dbo.MC_AutosyncStep WHERE RunID = @RunID AND StepType = N'Hook';
    CREATE TABLE #Expected (Status nvarchar(20) COLLATE DATABASE_DEFAULT, ErrorNumber int, ErrorSeverity int, ErrorState int, ErrorProcedure nvarchar(128) COLLATE DATABASE_DEFAULT, SchemaIsDboOrAbsent int, ErrorMessage nvarchar(4000) COLLATE DATABASE_DEFAULT, HasLine int);
    INSERT #Expected VALUES (N'Failed', 50123, 16, 7, N'AUTOSYNC_0100_tsqlterr_throws', 1, N'échec voulu', 1);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';

    SELECT Status, FailedCount INTO #Run FROM dbo.MC_AutosyncRun WHERE RunID = @RunID;
    CREATE TABLE #ExpectedRun (Status nvarchar(20) COLLATE DATABASE_DEFAULT, FailedCount int);
    INSERT #ExpectedRun VALUES (N'Failed', 1);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedRun', @Actual = N'#Run';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncErrorTests.CleanUp')
CREATE PROCEDURE AutosyncErrorTests.[test the summary lists the failed hooks in French and invites to fix and rerun]
AS
BEGIN
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0100_tsqlterr_ok', N'RETURN 0;';
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0200_tsqlterr_broken', N'THROW 50001, N''table absente'', 1;';

    EXEC tSQLt.CaptureOutput @command = N'EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N''success'', @tokenAccount = 5;';

    DECLARE @Output nvarchar(max) = (SELECT STRING_AGG(OutputText, N'') FROM tSQLt.CaptureOutputLog);
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%ÉCHEC : _dbo_._AUTOSYNC_0200_tsqlterr_broken_ : erreur 50001%table absente%', @Actual = @Output;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%Résumé du cycle AUTOSYNC%Étapes : 3 ; réussies : 2 ; en échec : 1 ; non exécutées : 0%', @Actual = @Output;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%En échec :%AUTOSYNC_0200_tsqlterr_broken%table absente%', @Actual = @Output;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%corrigez-les, puis relancez le traitement :%EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N''success'', @tokenAccount = 5, @Rollback = 0, @Trace = 0;%', @Actual = @Output;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncErrorTests.CleanUp')
CREATE PROCEDURE AutosyncErrorTests.[test a failing replication is reported like a hook and the hooks still run]
AS
BEGIN
    INSERT AutosyncErrorTests.ReplicationFails (Reason) VALUES (N'GesCom injoignable');
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0100_tsqlterr_still', N'INSERT AutosyncErrorTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';

    DECLARE @ReturnCode int;
    DECLARE @RunID int;
    EXEC @ReturnCode = dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success', @RunID = @RunID OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @ReturnCode;
    SELECT StepType, Status, ErrorMessage INTO #Actual FROM dbo.MC_AutosyncStep WHERE RunID = @RunID;
    CREATE TABLE #Expected (StepType nvarchar(20) COLLATE DATABASE_DEFAULT, Status nvarchar(20) COLLATE DATABASE_DEFAULT, ErrorMessage nvarchar(4000) COLLATE DATABASE_DEFAULT);
    INSERT #Expected VALUES (N'Replication', N'Failed', N'GesCom injoignable'), (N'Hook', N'Succeeded', NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    -- The watermark does not move past what was never read.
    DECLARE @LastToken int = (SELECT LastToken FROM dbo.MC_Integration WHERE ErpIntegrationID = 1);
    EXEC tSQLt.AssertEquals @Expected = 100, @Actual = @LastToken;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncErrorTests.CleanUp')
CREATE PROCEDURE AutosyncErrorTests.[test the statement that failed inside a hook is journaled under it after the rollback]
AS
BEGIN
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0100_tsqlterr_execsql',
        N'EXEC dbo.MC_execsql @Statement = N''SELECT @n = 1;'', @Label = N''premier''; EXEC dbo.MC_execsql @Statement = N''SELECT 1 / 0;'', @Label = N''second'';';

    DECLARE @RunID int;
    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success', @RunID = @RunID OUTPUT;

    SELECT s.ObjectName, s.Status, s.ErrorNumber
    INTO #Actual
    FROM dbo.MC_AutosyncStep AS s
    JOIN dbo.MC_AutosyncStep AS hook ON hook.StepID = s.ParentStepID
    WHERE s.RunID = @RunID AND s.StepType = N'Statement' AND hook.ObjectName = N'[dbo].[AUTOSYNC_0100_tsqlterr_execsql]';
    CREATE TABLE #Expected (ObjectName nvarchar(300) COLLATE DATABASE_DEFAULT, Status nvarchar(20) COLLATE DATABASE_DEFAULT, ErrorNumber int);
    -- The first statement declares no @n: it fails (137) and stops the hook; the second never runs.
    INSERT #Expected VALUES (N'premier', N'Failed', 137);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncErrorTests.CleanUp')
CREATE PROCEDURE AutosyncErrorTests.[test the session keys are cleared when the run ends]
AS
BEGIN
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0100_tsqlterr_keys', N'THROW 50003, N''x'', 1;';

    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success';

    DECLARE @Integration sql_variant = SESSION_CONTEXT(N'crmdb.integration');
    DECLARE @Run sql_variant = SESSION_CONTEXT(N'crmdb.runid');
    DECLARE @Trace sql_variant = SESSION_CONTEXT(N'crmdb.trace');
    DECLARE @Step sql_variant = SESSION_CONTEXT(N'crmdb.stepid');
    EXEC tSQLt.AssertEquals @Expected = NULL, @Actual = @Integration;
    EXEC tSQLt.AssertEquals @Expected = NULL, @Actual = @Run;
    EXEC tSQLt.AssertEquals @Expected = NULL, @Actual = @Trace;
    EXEC tSQLt.AssertEquals @Expected = NULL, @Actual = @Step;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncErrorTests.CleanUp')
CREATE PROCEDURE AutosyncErrorTests.[test a hook that commits or rolls back its transaction is journaled as what it did]
AS
BEGIN
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0100_tsqlterr_commits', N'INSERT AutosyncErrorTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID)); COMMIT TRANSACTION;';
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0200_tsqlterr_rollsback', N'INSERT AutosyncErrorTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID)); ROLLBACK TRANSACTION;';
    EXEC AutosyncErrorTests.CreateHook N'AUTOSYNC_0300_tsqlterr_after', N'INSERT AutosyncErrorTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';

    DECLARE @ReturnCode int;
    DECLARE @RunID int;
    -- A simulation: only the hook that committed keeps its row, and says so.
    EXEC @ReturnCode = dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success', @Rollback = 1, @RunID = @RunID OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @ReturnCode;
    DECLARE @TranCount int = @@TRANCOUNT;
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @TranCount;
    SELECT Hook INTO #Kept FROM AutosyncErrorTests.HookLog;
    CREATE TABLE #ExpectedKept (Hook sysname COLLATE DATABASE_DEFAULT);
    INSERT #ExpectedKept VALUES (N'AUTOSYNC_0100_tsqlterr_commits');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedKept', @Actual = N'#Kept';

    SELECT ObjectName, Status INTO #Actual FROM dbo.MC_AutosyncStep WHERE RunID = @RunID AND StepType = N'Hook';
    CREATE TABLE #Expected (ObjectName nvarchar(300) COLLATE DATABASE_DEFAULT, Status nvarchar(20) COLLATE DATABASE_DEFAULT);
    INSERT #Expected VALUES (N'[dbo].[AUTOSYNC_0100_tsqlterr_commits]', N'Committed'), (N'[dbo].[AUTOSYNC_0200_tsqlterr_rollsback]', N'RolledBack'), (N'[dbo].[AUTOSYNC_0300_tsqlterr_after]', N'Succeeded');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    DECLARE @Committed nvarchar(4000) = (SELECT ErrorMessage FROM dbo.MC_AutosyncStep WHERE RunID = @RunID AND Status = N'Committed');
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%a validé (COMMIT) la transaction que le cycle lui avait ouverte : ses modifications sont conservées, même en simulation%', @Actual = @Committed;
    DECLARE @FailedCount int = (SELECT FailedCount FROM dbo.MC_AutosyncRun WHERE RunID = @RunID);
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @FailedCount;
END;
GO
