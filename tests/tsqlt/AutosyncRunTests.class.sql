/*
AutosyncRunTests: dbo.MC_runautosync when every hook succeeds. Hook order, binding by name
(subset, alias, conversion), non-conforming hooks, the journal, the built-in replication step,
the integration's bookkeeping, parameter errors, and the refusal to run inside a caller's
transaction. The runner refuses a caller's transaction (its steps take no savepoint), so the
tests that run a cycle run outside tSQLt's (--[@tSQLt:NoTransaction]): tSQLt undoes the fakes
and spies after each test, and AutosyncRunTests.CleanUp drops the hooks and empties the log.
The overlap guard needs a second session: AutosyncEngineTests (tests/CrmDb.Tests) covers it.
Failing hooks are in AutosyncErrorTests.
Hooks are created in dbo (the only schema the runner reads) and named AUTOSYNC_<n>_tsqlt_<x>.
*/
EXEC tSQLt.NewTestClass 'AutosyncRunTests';
GO

-- What each test hook received, in call order.
CREATE TABLE AutosyncRunTests.HookLog
(
    Seq      int IDENTITY(1, 1) PRIMARY KEY,
    Hook     sysname       NOT NULL,
    Received nvarchar(400) NULL
);
GO

-- Creates dbo.<@Name> with <@Parameters> whose body is <@Body>.
CREATE PROCEDURE AutosyncRunTests.CreateHook
    @Name       sysname,
    @Parameters nvarchar(max),
    @Body       nvarchar(max)
AS
BEGIN
    DECLARE @Create nvarchar(max) = CONCAT(N'CREATE PROCEDURE dbo.', QUOTENAME(@Name), N' ', @Parameters, N' AS BEGIN SET NOCOUNT ON; ', @Body, N' END;');
    EXEC sys.sp_executesql @Create;
END;
GO

-- Drops the hooks the tests created and empties the log (tests outside tSQLt's transaction).
CREATE PROCEDURE AutosyncRunTests.CleanUp
AS
BEGIN
    DECLARE @Name sysname;
    DECLARE @Drop nvarchar(max);
    WHILE 1 = 1
    BEGIN
        SET @Name = (SELECT TOP (1) p.name FROM sys.procedures AS p WHERE p.schema_id = SCHEMA_ID(N'dbo') AND p.name LIKE N'AUTOSYNC[_]%tsqlt%' ORDER BY p.name);
        IF @Name IS NULL
            BREAK;
        SET @Drop = N'DROP PROCEDURE dbo.' + QUOTENAME(@Name) + N';';
        EXEC sys.sp_executesql @Drop;
    END;

    TRUNCATE TABLE AutosyncRunTests.HookLog;
END;
GO

CREATE PROCEDURE AutosyncRunTests.SetUp
AS
BEGIN
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_Integration';
    INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase, IsActive, LastToken)
    VALUES (1, N'Bijou', N'', N'GESCOM', 1, 100),
           (2, N'Autre', N'', N'GESCOM2', 1, NULL);
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_AutosyncRun', @Identity = 1;
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_AutosyncStep', @Identity = 1;
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_replicate', @CommandToExecute = N'SET @RowsChanged = 3; SET @NewToken = 150;';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test hooks run by numeric order then label]
AS
BEGIN
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_1000_tsqlt_last', N'', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0301_tsqlt_b', N'', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_20_tsqlt_first', N'', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_301_tsqlt_a', N'', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';

    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success';

    SELECT Seq, Hook INTO #Actual FROM AutosyncRunTests.HookLog;
    CREATE TABLE #Expected (Seq int, Hook sysname COLLATE DATABASE_DEFAULT);
    INSERT #Expected (Seq, Hook)
    VALUES (1, N'AUTOSYNC_20_tsqlt_first'), (2, N'AUTOSYNC_301_tsqlt_a'), (3, N'AUTOSYNC_0301_tsqlt_b'), (4, N'AUTOSYNC_1000_tsqlt_last');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test a hook gets only the parameters it declares by name and the seed spelling of the status]
AS
BEGIN
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_subset', N'@tokenAccount int, @ErpSymsStatus nvarchar(10)',
        N'INSERT AutosyncRunTests.HookLog (Hook, Received) VALUES (OBJECT_NAME(@@PROCID), CONCAT(@ErpSymsStatus, N''|'', @tokenAccount));';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0200_tsqlt_all', N'@ErpIntegrationID int, @ErpSyncStatus nvarchar(10), @GesComBaseInt nvarchar(300), @tokenAccount int',
        N'INSERT AutosyncRunTests.HookLog (Hook, Received) VALUES (OBJECT_NAME(@@PROCID), CONCAT(@ErpIntegrationID, N''|'', @ErpSyncStatus, N''|'', @GesComBaseInt, N''|'', @tokenAccount));';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0300_tsqlt_none', N'',
        N'INSERT AutosyncRunTests.HookLog (Hook, Received) VALUES (OBJECT_NAME(@@PROCID), N''-'');';

    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'warning', @tokenAccount = 42;

    SELECT Hook, Received INTO #Actual FROM AutosyncRunTests.HookLog;
    CREATE TABLE #Expected (Hook sysname COLLATE DATABASE_DEFAULT, Received nvarchar(400) COLLATE DATABASE_DEFAULT);
    INSERT #Expected (Hook, Received)
    VALUES (N'AUTOSYNC_0100_tsqlt_subset', N'warning|42'),
           (N'AUTOSYNC_0200_tsqlt_all', N'1|warning|[GESCOM]|42'),
           (N'AUTOSYNC_0300_tsqlt_none', N'-');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test values are converted to each hook's declared type]
AS
BEGIN
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_types', N'@tokenAccount nvarchar(20), @ErpIntegrationID bigint, @ErpSyncStatus varchar(7)',
        N'INSERT AutosyncRunTests.HookLog (Hook, Received) VALUES (OBJECT_NAME(@@PROCID), CONCAT(
            CONVERT(sysname, SQL_VARIANT_PROPERTY(CONVERT(sql_variant, @tokenAccount), ''BaseType'')), N'':'', @tokenAccount, N''|'',
            CONVERT(sysname, SQL_VARIANT_PROPERTY(CONVERT(sql_variant, @ErpIntegrationID), ''BaseType'')), N'':'', @ErpIntegrationID, N''|'',
            CONVERT(sysname, SQL_VARIANT_PROPERTY(CONVERT(sql_variant, @ErpSyncStatus), ''BaseType'')), N'':'', @ErpSyncStatus));';

    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'Success', @tokenAccount = 1234;

    DECLARE @Received nvarchar(400) = (SELECT Received FROM AutosyncRunTests.HookLog);
    EXEC tSQLt.AssertEqualsString @Expected = N'nvarchar:1234|bigint:1|varchar:success', @Actual = @Received;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test the token defaults to the integration's last token and to 0 when it has none]
AS
BEGIN
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_token', N'@ErpIntegrationID int, @tokenAccount int',
        N'INSERT AutosyncRunTests.HookLog (Hook, Received) VALUES (OBJECT_NAME(@@PROCID), CONCAT(@ErpIntegrationID, N''|'', @tokenAccount));';

    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success';
    EXEC dbo.MC_runautosync @ErpIntegrationID = 2, @ErpSyncStatus = N'success';

    SELECT Received INTO #Actual FROM AutosyncRunTests.HookLog;
    CREATE TABLE #Expected (Received nvarchar(400) COLLATE DATABASE_DEFAULT);
    INSERT #Expected (Received) VALUES (N'1|100'), (N'2|0');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test the replication runs first with the cycle token and its new token is recorded]
AS
BEGIN
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_after', N'@tokenAccount int',
        N'INSERT AutosyncRunTests.HookLog (Hook, Received) VALUES (OBJECT_NAME(@@PROCID), CONVERT(nvarchar(11), @tokenAccount));';

    DECLARE @ReturnCode int;
    EXEC @ReturnCode = dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success';

    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @ReturnCode;
    SELECT ErpIntegrationID, tokenAccount, Trace INTO #Actual FROM dbo.MC_replicate_SpyProcedureLog;
    CREATE TABLE #Expected (ErpIntegrationID int, tokenAccount int, Trace bit);
    INSERT #Expected VALUES (1, 100, 0);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    -- Hooks receive the token the cycle started at, not the new one.
    DECLARE @Received nvarchar(400) = (SELECT Received FROM AutosyncRunTests.HookLog);
    EXEC tSQLt.AssertEqualsString @Expected = N'100', @Actual = @Received;
    SELECT LastToken, LastStatus INTO #Integration FROM dbo.MC_Integration WHERE ErpIntegrationID = 1;
    CREATE TABLE #ExpectedIntegration (LastToken int, LastStatus nvarchar(10) COLLATE DATABASE_DEFAULT);
    INSERT #ExpectedIntegration VALUES (150, N'success');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedIntegration', @Actual = N'#Integration';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test the journal holds the run and one row per step]
AS
BEGIN
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_journal', N'@tokenAccount int', N'RETURN 0;';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_bad_tsqlt', N'', N'RETURN 0;';

    DECLARE @RunID int;
    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'fail', @tokenAccount = 7, @RunID = @RunID OUTPUT;

    SELECT ErpIntegrationID, ErpSyncStatus, TokenAccount, NewToken, IsSimulation, Status, StepCount, FailedCount, SkippedCount,
           CASE WHEN EndTime >= StartTime THEN 1 ELSE 0 END AS Ended
    INTO #ActualRun FROM dbo.MC_AutosyncRun WHERE RunID = @RunID;
    CREATE TABLE #ExpectedRun (ErpIntegrationID int, ErpSyncStatus nvarchar(10) COLLATE DATABASE_DEFAULT, TokenAccount int, NewToken int, IsSimulation bit, Status nvarchar(20) COLLATE DATABASE_DEFAULT,
                               StepCount int, FailedCount int, SkippedCount int, Ended int);
    INSERT #ExpectedRun VALUES (1, N'fail', 7, 150, 0, N'Failed', 3, 0, 1, 1);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedRun', @Actual = N'#ActualRun';

    SELECT StepType, ObjectName, Status, RowsAffected, Command INTO #Actual FROM dbo.MC_AutosyncStep WHERE RunID = @RunID;
    CREATE TABLE #Expected (StepType nvarchar(20) COLLATE DATABASE_DEFAULT, ObjectName nvarchar(300) COLLATE DATABASE_DEFAULT, Status nvarchar(20) COLLATE DATABASE_DEFAULT, RowsAffected int, Command nvarchar(max) COLLATE DATABASE_DEFAULT);
    INSERT #Expected
    VALUES (N'Replication', N'dbo.MC_replicate', N'Succeeded', 3, N'EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 7, @Trace = 0;'),
           (N'Hook', N'[dbo].[AUTOSYNC_0100_tsqlt_journal]', N'Succeeded', NULL, N'EXEC [dbo].[AUTOSYNC_0100_tsqlt_journal] @tokenAccount = 7;'),
           (N'Hook', N'[dbo].[AUTOSYNC_bad_tsqlt]', N'Skipped', NULL, NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test non-conforming hooks are reported and skipped and the others run]
AS
BEGIN
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_extra', N'@Other int', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0200_tsqlt_defaulted', N'@Other int = 5, @tokenAccount int', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0300_tsqlt_badtype', N'@tokenAccount datetime', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_x_tsqlt_offpattern', N'', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';

    DECLARE @ReturnCode int;
    DECLARE @RunID int;
    EXEC @ReturnCode = dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success', @RunID = @RunID OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @ReturnCode;
    SELECT Hook INTO #Ran FROM AutosyncRunTests.HookLog;
    CREATE TABLE #ExpectedRan (Hook sysname COLLATE DATABASE_DEFAULT);
    INSERT #ExpectedRan VALUES (N'AUTOSYNC_0200_tsqlt_defaulted');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedRan', @Actual = N'#Ran';

    DECLARE @Extra nvarchar(4000) = (SELECT ErrorMessage FROM dbo.MC_AutosyncStep WHERE RunID = @RunID AND ObjectName = N'[dbo].[AUTOSYNC_0100_tsqlt_extra]' AND Status = N'Skipped');
    DECLARE @BadType nvarchar(4000) = (SELECT ErrorMessage FROM dbo.MC_AutosyncStep WHERE RunID = @RunID AND ObjectName = N'[dbo].[AUTOSYNC_0300_tsqlt_badtype]' AND Status = N'Skipped');
    DECLARE @OffPattern nvarchar(4000) = (SELECT ErrorMessage FROM dbo.MC_AutosyncStep WHERE RunID = @RunID AND ObjectName = N'[dbo].[AUTOSYNC_x_tsqlt_offpattern]' AND Status = N'Skipped');
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%@Other ne fait pas partie du contrat%valeur par défaut%', @Actual = @Extra;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%@tokenAccount est déclaré datetime%', @Actual = @BadType;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'Nom hors norme%ordre%', @Actual = @OffPattern;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test a hook returning a non-zero code is a failed step]
AS
BEGIN
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_code', N'', N'RETURN 5;';

    DECLARE @ReturnCode int;
    DECLARE @RunID int;
    EXEC @ReturnCode = dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success', @RunID = @RunID OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @ReturnCode;
    SELECT Status, ReturnCode INTO #Actual FROM dbo.MC_AutosyncStep WHERE RunID = @RunID AND StepType = N'Hook';
    CREATE TABLE #Expected (Status nvarchar(20) COLLATE DATABASE_DEFAULT, ReturnCode int);
    INSERT #Expected VALUES (N'Failed', 5);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

--[@tSQLt:NoTransaction]('AutosyncRunTests.CleanUp')
CREATE PROCEDURE AutosyncRunTests.[test an inactive integration runs nothing]
AS
BEGIN
    UPDATE dbo.MC_Integration SET IsActive = 0 WHERE ErpIntegrationID = 1;
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_inactive', N'', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';

    DECLARE @ReturnCode int;
    EXEC @ReturnCode = dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success';

    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @ReturnCode;
    EXEC tSQLt.AssertEmptyTable @TableName = N'AutosyncRunTests.HookLog';
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_AutosyncRun';
END;
GO

CREATE PROCEDURE AutosyncRunTests.[test an unknown status is refused naming the allowed values]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@ErpSyncStatus%success, fail ou warning%', @ExpectedSeverity = 16;

    EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'done';
END;
GO

CREATE PROCEDURE AutosyncRunTests.[test every parameter problem is raised in one error and nothing runs]
AS
BEGIN
    -- One error listing them all: a caller inside TRY/CATCH only ever sees the first error raised.
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_never', N'', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    DECLARE @Error nvarchar(4000);
    DECLARE @Severity int;

    BEGIN TRY
        EXEC dbo.MC_runautosync @ErpIntegrationID = 9, @ErpSyncStatus = N'done', @tokenAccount = -1;
    END TRY
    BEGIN CATCH
        SELECT @Error = ERROR_MESSAGE(), @Severity = ERROR_SEVERITY();
    END CATCH;

    EXEC tSQLt.AssertEquals @Expected = 16, @Actual = @Severity;
    EXEC tSQLt.AssertLike
        @ExpectedPattern = N'MC_runautosync : paramètres invalides, rien n''a été exécuté.%@ErpIntegrationID = 9%@ErpSyncStatus = ''done''%@tokenAccount = -1%Aide : EXEC dbo.MC_runautosync @Help = 1;',
        @Actual = @Error;
    EXEC tSQLt.AssertEmptyTable @TableName = N'AutosyncRunTests.HookLog';
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_AutosyncRun';
END;
GO

CREATE PROCEDURE AutosyncRunTests.[test an unknown integration is refused naming the known ones]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@ErpIntegrationID = 9%Intégrations connues : 1 (Bijou), 2 (Autre)%', @ExpectedSeverity = 16;

    EXEC dbo.MC_runautosync @ErpIntegrationID = 9, @ErpSyncStatus = N'success';
END;
GO

CREATE PROCEDURE AutosyncRunTests.[test inside a caller's transaction nothing runs and the transaction stays committable]
AS
BEGIN
    -- tSQLt's own transaction is the caller's here.
    EXEC AutosyncRunTests.CreateHook N'AUTOSYNC_0100_tsqlt_intran', N'', N'INSERT AutosyncRunTests.HookLog (Hook) VALUES (OBJECT_NAME(@@PROCID));';
    DECLARE @Error nvarchar(4000);
    DECLARE @Severity int;

    BEGIN TRY
        EXEC dbo.MC_runautosync @ErpIntegrationID = 1, @ErpSyncStatus = N'success';
    END TRY
    BEGIN CATCH
        SELECT @Error = ERROR_MESSAGE(), @Severity = ERROR_SEVERITY();
    END CATCH;

    EXEC tSQLt.AssertEquals @Expected = 16, @Actual = @Severity;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%@@TRANCOUNT = %hors transaction%COMMIT ou ROLLBACK%', @Actual = @Error;
    DECLARE @State int = XACT_STATE();
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @State;
    EXEC tSQLt.AssertEmptyTable @TableName = N'AutosyncRunTests.HookLog';
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_AutosyncRun';
END;
GO
