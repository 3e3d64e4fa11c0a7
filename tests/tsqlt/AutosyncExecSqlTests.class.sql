/*
AutosyncExecSqlTests: dbo.MC_execsql, the executor hooks call: token expansion for the current
integration, parameters, journal, @Execute = 'N', parameter errors.
*/
EXEC tSQLt.NewTestClass 'AutosyncExecSqlTests';
GO

CREATE TABLE AutosyncExecSqlTests.Target
(
    Code   nvarchar(17) NOT NULL,
    Amount decimal(24, 6) NULL
);
GO

CREATE PROCEDURE AutosyncExecSqlTests.SetUp
AS
BEGIN
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_Integration';
    INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase, IsActive)
    VALUES (1, N'Bijou', N'', N'GESCOM', 1), (2, N'Distante', N'SRVGC', N'BIJOU', 1);
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_AutosyncStep', @Identity = 1;
    INSERT AutosyncExecSqlTests.Target (Code, Amount) VALUES (N'C1', 1), (N'C2', 2), (N'C3', 3);
END;
GO

CREATE PROCEDURE AutosyncExecSqlTests.[test values are passed as typed parameters and rows are counted]
AS
BEGIN
    DECLARE @Rows int;
    EXEC dbo.MC_execsql
        @Statement = N'UPDATE AutosyncExecSqlTests.Target SET Amount = Amount * @factor WHERE Code <> @skip;',
        @Parameters = N'@factor decimal(24, 6), @skip nvarchar(17)',
        @Value1 = 2.5,
        @Value2 = N'C2',
        @Label = N'double',
        @RowCount = @Rows OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Rows;
    SELECT Code, Amount INTO #Actual FROM AutosyncExecSqlTests.Target;
    CREATE TABLE #Expected (Code nvarchar(17) COLLATE DATABASE_DEFAULT, Amount decimal(24, 6));
    INSERT #Expected VALUES (N'C1', 2.5), (N'C2', 2), (N'C3', 7.5);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE AutosyncExecSqlTests.[test tokens are expanded for the given integration and the step is journaled]
AS
BEGIN
    EXEC dbo.MC_execsql
        @Statement = N'SELECT 1 AS x FROM #F_COMPTET# AS G JOIN #P_REGLEMENT# AS P ON 1 = 0 WHERE @since > 0;',
        @Parameters = N'@since int',
        @Value1 = 12,
        @Label = N'lecture',
        @ErpIntegrationID = 2,
        @Execute = N'N';

    SELECT RunID, StepType, ObjectName, ErpIntegrationID, Command, Parameters, Status INTO #Actual FROM dbo.MC_AutosyncStep;
    CREATE TABLE #Expected (RunID int, StepType nvarchar(20) COLLATE DATABASE_DEFAULT, ObjectName nvarchar(300) COLLATE DATABASE_DEFAULT, ErpIntegrationID int, Command nvarchar(max) COLLATE DATABASE_DEFAULT, Parameters nvarchar(max) COLLATE DATABASE_DEFAULT, Status nvarchar(20) COLLATE DATABASE_DEFAULT);
    INSERT #Expected VALUES (NULL, N'Statement', N'lecture', 2,
        N'SELECT 1 AS x FROM [SRVGC].[BIJOU].dbo.F_COMPTET AS G JOIN [SRVGC].[BIJOU].dbo.P_REGLEMENT AS P ON 1 = 0 WHERE @since > 0;',
        N'@since int = 12', N'NotExecuted');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE AutosyncExecSqlTests.[test the integration and the trace come from the cycle's session keys]
AS
BEGIN
    EXEC sys.sp_set_session_context @key = N'crmdb.integration', @value = 1;
    EXEC sys.sp_set_session_context @key = N'crmdb.trace', @value = 1;

    EXEC tSQLt.CaptureOutput @command = N'EXEC dbo.MC_execsql @Statement = N''SELECT COUNT(*) FROM #F_COMPTET# WHERE 1 = 0;'', @Execute = N''N'';';

    EXEC sys.sp_set_session_context @key = N'crmdb.integration', @value = NULL;
    EXEC sys.sp_set_session_context @key = N'crmdb.trace', @value = NULL;
    DECLARE @Output nvarchar(max) = (SELECT STRING_AGG(OutputText, N'') FROM tSQLt.CaptureOutputLog);
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%non exécutée%SELECT COUNT(*) FROM _GESCOM_.dbo.F_COMPTET WHERE 1 = 0;%', @Actual = @Output;
    DECLARE @Integration int = (SELECT ErpIntegrationID FROM dbo.MC_AutosyncStep);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Integration;
END;
GO

CREATE PROCEDURE AutosyncExecSqlTests.[test under Execute N nothing runs]
AS
BEGIN
    EXEC dbo.MC_execsql @Statement = N'DELETE AutosyncExecSqlTests.Target;', @Execute = N'N';

    DECLARE @Count int = (SELECT COUNT(*) FROM AutosyncExecSqlTests.Target);
    EXEC tSQLt.AssertEquals @Expected = 3, @Actual = @Count;
END;
GO

CREATE PROCEDURE AutosyncExecSqlTests.[test tokens without any integration are refused]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%jokers #F_/#P_ mais aucune intégration%';

    EXEC dbo.MC_execsql @Statement = N'SELECT * FROM #F_COMPTET#;';
END;
GO

CREATE PROCEDURE AutosyncExecSqlTests.[test a value without a declared parameter is refused and nothing runs]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@Value2 est renseigné mais @Parameters ne déclare que 1 paramètre(s)%', @ExpectedErrorNumber = 50000;

    EXEC dbo.MC_execsql @Statement = N'DELETE AutosyncExecSqlTests.Target WHERE Code = @c;', @Parameters = N'@c nvarchar(17)', @Value1 = N'C1', @Value2 = 5;
END;
GO

CREATE PROCEDURE AutosyncExecSqlTests.[test an output parameter in the list is refused]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@n OUTPUT n''est pas pris en charge%';

    EXEC dbo.MC_execsql @Statement = N'SELECT @n = 1;', @Parameters = N'@n int OUTPUT';
END;
GO

-- Under XACT_ABORT the failure dooms the transaction it runs in: run it as a hook does, outside tSQLt's.
CREATE PROCEDURE AutosyncExecSqlTests.CleanUp
AS
BEGIN
    DELETE AutosyncExecSqlTests.Target;
END;
GO

--[@tSQLt:NoTransaction]('AutosyncExecSqlTests.CleanUp')
CREATE PROCEDURE AutosyncExecSqlTests.[test a failing statement is undone journaled and raised again]
AS
BEGIN
    DECLARE @Number int;
    BEGIN TRY
        EXEC dbo.MC_execsql
            @Statement = N'DELETE AutosyncExecSqlTests.Target WHERE Code = N''C1''; INSERT AutosyncExecSqlTests.Target (Code) VALUES (NULL);',
            @Label = N'échoue',
            @ErpIntegrationID = 1;
    END TRY
    BEGIN CATCH
        SET @Number = ERROR_NUMBER();
    END CATCH;

    EXEC tSQLt.AssertEquals @Expected = 515, @Actual = @Number;
    DECLARE @Count int = (SELECT COUNT(*) FROM AutosyncExecSqlTests.Target);
    EXEC tSQLt.AssertEquals @Expected = 3, @Actual = @Count;
    SELECT ObjectName, Status, ErrorNumber INTO #Actual FROM dbo.MC_AutosyncStep;
    CREATE TABLE #Expected (ObjectName nvarchar(300) COLLATE DATABASE_DEFAULT, Status nvarchar(20) COLLATE DATABASE_DEFAULT, ErrorNumber int);
    INSERT #Expected VALUES (N'échoue', N'Failed', 515);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO
