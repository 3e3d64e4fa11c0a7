/*
AutosyncTraceTests: dbo.MC_traceautosync, the support procedure. It simulates a cycle for one or
every active integration with tracing on and, by default, rolls each step back at its end.
The cycle refuses a caller's transaction (its steps take no savepoint), so the tests that run
one run outside tSQLt's (--[@tSQLt:NoTransaction]): tSQLt undoes the fakes and spies after each
test, and AutosyncTraceTests.CleanUp drops the hooks, the support user and the rows written.
*/
EXEC tSQLt.NewTestClass 'AutosyncTraceTests';
GO

CREATE TABLE AutosyncTraceTests.Written
(
    Seq         int IDENTITY(1, 1) PRIMARY KEY,
    Hook        sysname NOT NULL,
    Integration int     NOT NULL,
    SeenBefore  int     NOT NULL
);
GO

-- Drops what SetUp and the tests created outside tSQLt's transaction.
CREATE PROCEDURE AutosyncTraceTests.CleanUp
AS
BEGIN
    DECLARE @Name sysname;
    DECLARE @Drop nvarchar(max);
    WHILE 1 = 1
    BEGIN
        SET @Name = (SELECT TOP (1) p.name FROM sys.procedures AS p WHERE p.schema_id = SCHEMA_ID(N'dbo') AND p.name LIKE N'AUTOSYNC[_]%[_]tsqlttrace[_]%' ORDER BY p.name);
        IF @Name IS NULL
            BREAK;
        SET @Drop = N'DROP PROCEDURE dbo.' + QUOTENAME(@Name) + N';';
        EXEC sys.sp_executesql @Drop;
    END;

    IF USER_ID(N'AutosyncTraceTests_support') IS NOT NULL
        DROP USER [AutosyncTraceTests_support];
    TRUNCATE TABLE AutosyncTraceTests.Written;
END;
GO

CREATE PROCEDURE AutosyncTraceTests.SetUp
AS
BEGIN
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_Integration';
    INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase, IsActive, LastToken)
    VALUES (1, N'Bijou', N'', N'GESCOM', 1, 100),
           (2, N'Dormante', N'', N'GESCOM2', 0, 5),
           (3, N'Autre', N'', N'GESCOM3', 1, NULL);
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_AutosyncRun', @Identity = 1;
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_AutosyncStep', @Identity = 1;
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_replicate', @CommandToExecute = N'SET @RowsChanged = 0; SET @NewToken = 999;';

    -- Two hooks that write; the second records how many rows the first left.
    DECLARE @Create nvarchar(max) = N'CREATE PROCEDURE dbo.AUTOSYNC_0100_tsqlttrace_first @ErpIntegrationID int AS
        INSERT AutosyncTraceTests.Written (Hook, Integration, SeenBefore) VALUES (OBJECT_NAME(@@PROCID), @ErpIntegrationID, 0);';
    EXEC sys.sp_executesql @Create;
    SET @Create = N'CREATE PROCEDURE dbo.AUTOSYNC_0200_tsqlttrace_second @ErpIntegrationID int AS
        INSERT AutosyncTraceTests.Written (Hook, Integration, SeenBefore)
        SELECT OBJECT_NAME(@@PROCID), @ErpIntegrationID, COUNT(*) FROM AutosyncTraceTests.Written;';
    EXEC sys.sp_executesql @Create;
END;
GO

-- Runs @Command (a call of dbo.MC_traceautosync) and returns the messages it printed.
CREATE PROCEDURE AutosyncTraceTests.CaptureTrace
    @Command nvarchar(max),
    @Output  nvarchar(max) OUTPUT
AS
BEGIN
    EXEC tSQLt.CaptureOutput @command = @Command;
    SET @Output = (SELECT STRING_AGG(OutputText, N'') WITHIN GROUP (ORDER BY Id) FROM tSQLt.CaptureOutputLog);
END;
GO

-- Runs dbo.MC_traceautosync for integration 1 as a member of MC_support only (a user without
-- login, dropped by CleanUp) and returns the error it raised (NULL: none).
CREATE PROCEDURE AutosyncTraceTests.TraceAsSupport
    @Rollback bit,
    @Error    nvarchar(4000) OUTPUT
AS
BEGIN
    CREATE USER [AutosyncTraceTests_support] WITHOUT LOGIN;
    ALTER ROLE [MC_support] ADD MEMBER [AutosyncTraceTests_support];
    SET @Error = NULL;

    EXECUTE AS USER = N'AutosyncTraceTests_support';
    BEGIN TRY
        EXEC dbo.MC_traceautosync @ErpIntegrationID = 1, @Rollback = @Rollback;
    END TRY
    BEGIN CATCH
        SET @Error = ERROR_MESSAGE();
    END CATCH;
    REVERT;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncTraceTests.CleanUp')
CREATE PROCEDURE AutosyncTraceTests.[test the trace runs every active integration and rolls everything back]
AS
BEGIN
    DECLARE @ReturnCode int;
    EXEC @ReturnCode = dbo.MC_traceautosync;

    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @ReturnCode;
    EXEC tSQLt.AssertEmptyTable @TableName = N'AutosyncTraceTests.Written';
    -- Simulated runs are journaled; the integrations keep their watermark.
    SELECT ErpIntegrationID, IsSimulation, Status, StepCount INTO #Runs FROM dbo.MC_AutosyncRun;
    CREATE TABLE #ExpectedRuns (ErpIntegrationID int, IsSimulation bit, Status nvarchar(20) COLLATE DATABASE_DEFAULT, StepCount int);
    INSERT #ExpectedRuns VALUES (1, 1, N'Succeeded', 3), (3, 1, N'Succeeded', 3);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedRuns', @Actual = N'#Runs';
    SELECT ErpIntegrationID, LastToken, LastStatus INTO #Integrations FROM dbo.MC_Integration;
    CREATE TABLE #ExpectedIntegrations (ErpIntegrationID int, LastToken int, LastStatus nvarchar(10) COLLATE DATABASE_DEFAULT);
    INSERT #ExpectedIntegrations VALUES (1, 100, NULL), (2, 5, NULL), (3, NULL, NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedIntegrations', @Actual = N'#Integrations';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncTraceTests.CleanUp')
CREATE PROCEDURE AutosyncTraceTests.[test in a simulation a hook does not see the changes of the hooks before it]
AS
BEGIN
    -- The second hook's row would say 1 in a real cycle; a simulation rolls the first back before it runs.
    DECLARE @Output nvarchar(max);
    EXEC AutosyncTraceTests.CaptureTrace @Command = N'EXEC dbo.MC_traceautosync @ErpIntegrationID = 1;', @Output = @Output OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'%une procédure ne voit donc pas les modifications des précédentes%', @Actual = @Output;
    EXEC tSQLt.AssertEmptyTable @TableName = N'AutosyncTraceTests.Written';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncTraceTests.CleanUp')
CREATE PROCEDURE AutosyncTraceTests.[test a real cycle keeps the changes and the second hook sees the first]
AS
BEGIN
    EXEC dbo.MC_traceautosync @ErpIntegrationID = 1, @Rollback = 0;

    SELECT Hook, Integration, SeenBefore INTO #Actual FROM AutosyncTraceTests.Written;
    CREATE TABLE #Expected (Hook sysname COLLATE DATABASE_DEFAULT, Integration int, SeenBefore int);
    INSERT #Expected VALUES (N'AUTOSYNC_0100_tsqlttrace_first', 1, 0), (N'AUTOSYNC_0200_tsqlttrace_second', 1, 1);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    DECLARE @LastToken int = (SELECT LastToken FROM dbo.MC_Integration WHERE ErpIntegrationID = 1);
    EXEC tSQLt.AssertEquals @Expected = 999, @Actual = @LastToken;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncTraceTests.CleanUp')
CREATE PROCEDURE AutosyncTraceTests.[test the trace prints a header with a rerunnable line and each call with its values]
AS
BEGIN
    DECLARE @Output nvarchar(max);
    EXEC AutosyncTraceTests.CaptureTrace @Command = N'EXEC dbo.MC_traceautosync @ErpIntegrationID = 1, @tokenAccount = 42;', @Output = @Output OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'%Serveur %SQL Server %base %', @Actual = @Output;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%Relancer : EXEC dbo.MC_traceautosync @ErpIntegrationID = 1, @ErpSyncStatus = N''success'', @tokenAccount = 42, @Rollback = 1;%', @Actual = @Output;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 42, @Trace = 1;%', @Actual = @Output;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%EXEC _dbo_._AUTOSYNC_0100_tsqlttrace_first_ @ErpIntegrationID = 1;%OK : %', @Actual = @Output;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%Fin de la trace%Intégration 1 (Bijou) : sans erreur%', @Actual = @Output;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncTraceTests.CleanUp')
CREATE PROCEDURE AutosyncTraceTests.[test the statements of a hook are printed expanded with their rows]
AS
BEGIN
    DECLARE @Create nvarchar(max) = N'CREATE PROCEDURE dbo.AUTOSYNC_0300_tsqlttrace_sql @tokenAccount int AS
        EXEC dbo.MC_execsql @Statement = N''SELECT TOP (0) 1 AS x FROM #F_COMPTET# WHERE 1 = 0 AND @t > 0;'', @Parameters = N''@t int'', @Value1 = @tokenAccount, @Execute = N''N'';';
    EXEC sys.sp_executesql @Create;

    DECLARE @Output nvarchar(max);
    EXEC AutosyncTraceTests.CaptureTrace @Command = N'EXEC dbo.MC_traceautosync @ErpIntegrationID = 1, @tokenAccount = 7;', @Output = @Output OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'%FROM _GESCOM_.dbo.F_COMPTET WHERE%Paramètres : @t int = 7%', @Actual = @Output;
END;
GO

CREATE PROCEDURE AutosyncTraceTests.[test an unknown status is refused before anything runs]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@ErpSyncStatus = ''ok''%success (défaut), fail ou warning%', @ExpectedSeverity = 16;

    EXEC dbo.MC_traceautosync @ErpSyncStatus = N'ok';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncTraceTests.CleanUp')
CREATE PROCEDURE AutosyncTraceTests.[test a support login traces the replication step without any right on MC_replicate]
AS
BEGIN
    -- The runner calls the replication through the ownership chain. The hooks of SetUp are not
    -- granted to MC_support: invisible to the login, they are not run.
    DECLARE @Error nvarchar(4000);

    EXEC AutosyncTraceTests.TraceAsSupport @Rollback = 1, @Error = @Error OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = NULL, @Actual = @Error;
    SELECT StepType, ObjectName, Status, ErrorNumber INTO #Actual FROM dbo.MC_AutosyncStep;
    CREATE TABLE #Expected (StepType nvarchar(20) COLLATE DATABASE_DEFAULT, ObjectName nvarchar(300) COLLATE DATABASE_DEFAULT, Status nvarchar(20) COLLATE DATABASE_DEFAULT, ErrorNumber int);
    INSERT #Expected VALUES (N'Replication', N'dbo.MC_replicate', N'Succeeded', NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncTraceTests.CleanUp')
CREATE PROCEDURE AutosyncTraceTests.[test a real cycle is refused to a login that may only trace]
AS
BEGIN
    DECLARE @Error nvarchar(4000);

    EXEC AutosyncTraceTests.TraceAsSupport @Rollback = 0, @Error = @Error OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'MC_traceautosync : paramètres invalides%@Rollback = 0 exécute un cycle réel%dbo.MC_runautosync%', @Actual = @Error;
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_AutosyncRun';
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_replicate_SpyProcedureLog';
END;
GO
