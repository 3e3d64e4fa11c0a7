/*
ReplicationTests: dbo.MC_replicate, the REPLI_acc_*_repli replication (docs/replication.md).

Needs the GesCom test database that the engine harness (crmdb test, docs/testing.md) creates
from the fixture tests/fixtures/GesCom (GesCom.dacpac), with the collation Latin1_General_CI_AS,
unlike the CRM's, and names in the database-level extended property crmdb_test.gescom_database.
The tests insert their own F_COMPTET rows there; tSQLt rolls each test back, rows included
(same instance). A second GesCom database for the two-integration test is the CRM test database
itself, given an F_COMPTET of its own inside the test (rolled back too).
SetUp fakes dbo.Account, dbo.Custom_SysParams, dbo.MC_Integration, dbo.MC_ReplicationLog,
dbo.MC_ReplicationWatermark and dbo.MC_ReplicationFieldCheck,
records integration 1 on the GesCom test database, and spies dbo.MC_print, so that the French
messages can be read back; it fails every test when the GesCom test database is missing. A test
writes its GesCom rows with InGesCom.
*/
EXEC tSQLt.NewTestClass 'ReplicationTests';
GO

-- The GesCom test database that crmdb test deploys and names (see the header); NULL without it.
CREATE FUNCTION ReplicationTests.GesComDatabase ()
RETURNS sysname
AS
BEGIN
    RETURN (SELECT CONVERT(sysname, P.value) FROM sys.extended_properties AS P
            WHERE P.class = 0 AND P.name = N'crmdb_test.gescom_database');
END;
GO

CREATE PROCEDURE ReplicationTests.SetUp
AS
BEGIN
    DECLARE @GesCom sysname = ReplicationTests.GesComDatabase();
    IF DB_ID(@GesCom) IS NULL
        EXEC tSQLt.Fail N'No GesCom test database: run the tests with crmdb test, which deploys tests/fixtures/GesCom and names it in the extended property crmdb_test.gescom_database.';
    EXEC tSQLt.FakeTable @TableName = N'dbo.Account';
    EXEC tSQLt.FakeTable @TableName = N'dbo.Custom_SysParams';
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_Integration';
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_ReplicationLog', @Identity = 1;
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_ReplicationWatermark';
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_ReplicationFieldCheck';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_print';
    INSERT INTO dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase)
    VALUES (1, N'Intégration de test', N'', @GesCom);
END;
GO

-- Runs @Statement in the GesCom test database (through its own sp_executesql), where dbo.F_COMPTET
-- is GesCom's; inside the test's transaction, so that tSQLt rolls it back.
CREATE PROCEDURE ReplicationTests.InGesCom
    @Statement nvarchar(max)
AS
BEGIN
    DECLARE @Executor nvarchar(300) = QUOTENAME(ReplicationTests.GesComDatabase()) + N'.sys.sp_executesql';
    EXEC @Executor @Statement;
END;
GO

CREATE PROCEDURE ReplicationTests.[test a column value is copied to the Account of the same CT_Num]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 10), (''CL0002'', ''PAY0002'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001'), (2, N'CL0002'), (3, N'CL9999');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    DECLARE @Rows int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0, @RowsChanged = @Rows OUTPUT;

    SELECT Acc_AccountId, acc_numpayeur_repli INTO #Actual FROM dbo.Account;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (1, N'PAY0001'), (2, N'PAY0002'), (3, NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Rows;
END;
GO

CREATE PROCEDURE ReplicationTests.[test a scalar subquery with a token is replicated]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', NULL, 10);';
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTETG (CT_Num, CG_Num) VALUES (''CL0001'', ''411100''), (''CL0001'', ''411000'');';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numprinc_repli', N'(SELECT TOP (1) T.CG_Num FROM #F_COMPTETG# AS T WHERE T.CT_Num = G.CT_Num ORDER BY T.CG_Num)');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    DECLARE @Actual nvarchar(13) = (SELECT acc_numprinc_repli FROM dbo.Account WHERE Acc_AccountId = 1);
    EXEC tSQLt.AssertEqualsString @Expected = N'411000', @Actual = @Actual;
END;
GO

CREATE PROCEDURE ReplicationTests.[test a function call deployed from a token-bearing template is replicated]
AS
BEGIN
    -- A template as crmdb run deploys it: #F_ tokens expanded for the integration.
    DECLARE @Template nvarchar(max) = dbo.MC_expandtokens(N'CREATE FUNCTION ReplicationTests.FCT_nbreglements (@CT_Num varchar(17))
RETURNS int
AS
BEGIN
    RETURN (SELECT COUNT(*) FROM #F_REGLEMENTT# AS R WHERE R.CT_Num = @CT_Num);
END;', N'', ReplicationTests.GesComDatabase());
    EXEC sys.sp_executesql @Template;
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', NULL, 10);';
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_REGLEMENTT (CT_Num, N_Reglement, RT_Condition, RT_NbJour) VALUES (''CL0001'', 1, 0, 30), (''CL0001'', 2, 1, 60);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_condpaiement_repli', N'ReplicationTests.FCT_nbreglements(CT_Num)');
    -- A REPLI value calls only the functions of the DBA's allow-list (docs/security.md).
    INSERT INTO dbo.MC_ReplicationFunction (FunctionName) VALUES (N'ReplicationTests.FCT_nbreglements');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    DECLARE @Actual nvarchar(max) = (SELECT acc_condpaiement_repli FROM dbo.Account WHERE Acc_AccountId = 1);
    EXEC tSQLt.AssertEqualsString @Expected = N'2', @Actual = @Actual;
END;
GO

CREATE PROCEDURE ReplicationTests.[test a parameter naming no Account column is reported in French and skipped while the others are applied]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_inconnu_repli', N'[CT_NumPayeur]');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'Paramètre REPLI[_]acc[_]inconnu[_]repli ignoré : la colonne [[]acc[_]inconnu[_]repli] n''existe pas dans dbo.Account%')
        EXEC tSQLt.Fail N'The unknown column was not reported in French, naming the parameter.';
    DECLARE @Actual nvarchar(17) = (SELECT acc_numpayeur_repli FROM dbo.Account WHERE Acc_AccountId = 1);
    EXEC tSQLt.AssertEqualsString @Expected = N'PAY0001', @Actual = @Actual;
    DECLARE @Skipped int = (SELECT FieldsSkipped FROM dbo.MC_ReplicationLog);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Skipped;
END;
GO

CREATE PROCEDURE ReplicationTests.[test an expression that does not compile on F_COMPTET is reported and skipped]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numprinc_repli', N'[CT_ColonneInconnue]');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'Paramètre REPLI[_]acc[_]numprinc[_]repli ignoré : la valeur « [[]CT[_]ColonneInconnue] » ne se compile pas%CT[_]ColonneInconnue%')
        EXEC tSQLt.Fail N'The expression that does not compile was not reported with the engine''s reason.';
    SELECT Acc_AccountId, acc_numpayeur_repli, acc_numprinc_repli INTO #Actual FROM dbo.Account;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (1, N'PAY0001', NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE ReplicationTests.[test an expression that would end the statement is refused and nothing else runs]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001'), (2, N'CL0002');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numprinc_repli', N'CT_Num)) AS v FROM dbo.Account AS X DELETE FROM dbo.Account SELECT ((1');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'Paramètre REPLI[_]acc[_]numprinc[_]repli ignoré : une parenthèse fermante%')
        EXEC tSQLt.Fail N'The expression that escapes its parentheses was not refused.';
    DECLARE @Accounts int = (SELECT COUNT(*) FROM dbo.Account);
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Accounts;
END;
GO

CREATE PROCEDURE ReplicationTests.[test only tiers changed since the token are read and older ones stay untouched]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''NOUVEAU1'', 5), (''CL0002'', ''NOUVEAU2'', 8), (''CL0003'', ''NOUVEAU3'', 9);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id, acc_numpayeur_repli)
    VALUES (1, N'CL0001', N'ANCIEN1'), (2, N'CL0002', N'ANCIEN2'), (3, N'CL0003', N'ANCIEN3');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 8;

    SELECT Acc_AccountId, acc_numpayeur_repli INTO #Actual FROM dbo.Account;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (1, N'ANCIEN1'), (2, N'NOUVEAU2'), (3, N'NOUVEAU3');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE ReplicationTests.[test an Account whose values are already those of GesCom is not written]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 10), (''CL0002'', ''PAY0002'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id, acc_numpayeur_repli)
    VALUES (1, N'CL0001', N'PAY0001'), (2, N'CL0002', N'AUTRE');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');
    -- Every row the UPDATE writes, whether its value changes or not.
    CREATE TABLE ReplicationTests.Written (Acc_AccountId int NOT NULL);
    EXEC sys.sp_executesql N'CREATE TRIGGER dbo.ReplicationTests_Account_written ON dbo.Account AFTER UPDATE AS
        INSERT INTO ReplicationTests.Written (Acc_AccountId) SELECT Acc_AccountId FROM inserted;';

    DECLARE @Rows int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0, @RowsChanged = @Rows OUTPUT;

    SELECT Acc_AccountId INTO #Actual FROM ReplicationTests.Written;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (2);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Rows;
END;
GO

CREATE PROCEDURE ReplicationTests.[test NULLs are replicated and compared like values]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', NULL, 10), (''CL0002'', NULL, 10), (''CL0003'', ''PAY0003'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id, acc_numpayeur_repli)
    VALUES (1, N'CL0001', N'EFFACE'), (2, N'CL0002', NULL), (3, N'CL0003', NULL);
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    DECLARE @Rows int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0, @RowsChanged = @Rows OUTPUT;

    SELECT Acc_AccountId, acc_numpayeur_repli INTO #Actual FROM dbo.Account;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (1, NULL), (2, NULL), (3, N'PAY0003');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    -- NULL to value and value to NULL are changes; NULL to NULL is not.
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Rows;
END;
GO

CREATE PROCEDURE ReplicationTests.[test a change of case in GesCom is replicated despite the case-insensitive CRM]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''Pay0001'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id, acc_numpayeur_repli) VALUES (1, N'CL0001', N'PAY0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    IF NOT EXISTS (SELECT 1 FROM dbo.Account
                   WHERE Acc_AccountId = 1 AND acc_numpayeur_repli = N'Pay0001' COLLATE Latin1_General_BIN2)
        EXEC tSQLt.Fail N'A change of case only was taken for no change.';
END;
GO

CREATE PROCEDURE ReplicationTests.[test two integrations each read their own GesCom database]
AS
BEGIN
    -- The second GesCom database: the CRM test database itself, with an F_COMPTET of its own.
    CREATE TABLE dbo.F_COMPTET
    (
        cbMarq int IDENTITY(1, 1) NOT NULL PRIMARY KEY,
        CT_Num varchar(17) NOT NULL,
        CT_NumPayeur varchar(17) NULL,
        CT_Intitule varchar(35) NULL,
        cbReplication int NULL
    );
    INSERT INTO dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase) VALUES (2, N'Deuxième société', N'', DB_NAME());
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''SOC1'', 10);';
    -- Through sp_executesql: the table did not exist when this procedure was compiled.
    EXEC sys.sp_executesql N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0002'', ''SOC2'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001'), (2, N'CL0002');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    DECLARE @Rows1 int, @Rows2 int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0, @RowsChanged = @Rows1 OUTPUT;
    SELECT Acc_AccountId, acc_numpayeur_repli INTO #AfterFirst FROM dbo.Account;
    EXEC dbo.MC_replicate @ErpIntegrationID = 2, @tokenAccount = 0, @RowsChanged = @Rows2 OUTPUT;

    SELECT TOP (0) * INTO #ExpectedAfterFirst FROM #AfterFirst;
    INSERT INTO #ExpectedAfterFirst VALUES (1, N'SOC1'), (2, NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedAfterFirst', @Actual = N'#AfterFirst';
    SELECT Acc_AccountId, acc_numpayeur_repli INTO #Actual FROM dbo.Account;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (1, N'SOC1'), (2, N'SOC2');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Rows1;
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Rows2;
END;
GO

CREATE PROCEDURE ReplicationTests.[test the new token is the highest cbReplication read and the run is logged]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 3), (''CL0002'', ''PAY0002'', 12), (''CL0003'', ''PAY0003'', 7);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001'), (2, N'CL0002'), (3, N'CL0003');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_absente_repli', N'[CT_NumPayeur]');

    DECLARE @Rows int, @Token int, @NextRows int, @NextToken int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 5, @RowsChanged = @Rows OUTPUT, @NewToken = @Token OUTPUT;
    -- The next cycle starts at the new token: the rows read again are unchanged, nothing is written.
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = @Token, @RowsChanged = @NextRows OUTPUT, @NewToken = @NextToken OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 12, @Actual = @Token;
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Rows;
    EXEC tSQLt.AssertEquals @Expected = 12, @Actual = @NextToken;
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @NextRows;
    SELECT ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status INTO #Actual FROM dbo.MC_ReplicationLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (1, 5, 12, 1, 1, 2, N'warning'), (1, 12, 12, 1, 1, 0, N'warning');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE ReplicationTests.[test without a tiers changed since the token the token stays]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 3);';
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    DECLARE @Token int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 40, @NewToken = @Token OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 40, @Actual = @Token;
END;
GO

CREATE PROCEDURE ReplicationTests.[test without any declared field the watermark still advances]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', NULL, 21);';
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value, Parm_Deleted) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]', 1);

    DECLARE @Token int, @Rows int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = NULL, @RowsChanged = @Rows OUTPUT, @NewToken = @Token OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 21, @Actual = @Token;
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Rows;
    DECLARE @Applied int = (SELECT FieldsApplied FROM dbo.MC_ReplicationLog);
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Applied;
END;
GO

CREATE PROCEDURE ReplicationTests.[test names that only look like the pattern through LIKE wildcards are not read]
AS
BEGIN
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLIXaccXnumpayeurXrepli', N'[CT_NumPayeur]');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_num payeur_repli', N'[CT_NumPayeur]');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    -- The first is not selected at all; the second is selected, and refused for its name.
    IF EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L WHERE L.Message LIKE N'%REPLIXaccXnumpayeurXrepli%')
        EXEC tSQLt.Fail N'A name matched only through unescaped LIKE wildcards was read.';
    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'Paramètre REPLI[_]acc[_]num payeur[_]repli ignoré : le nom ne suit pas le modèle%')
        EXEC tSQLt.Fail N'A name with a space was not reported.';
END;
GO

CREATE PROCEDURE ReplicationTests.[test with Trace the expanded statement is printed]
AS
BEGIN
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numprinc_repli', N'(SELECT TOP (1) T.CG_Num FROM #F_COMPTETG# AS T WHERE T.CT_Num = G.CT_Num)');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0, @Trace = 1;

    DECLARE @Expanded nvarchar(300) = QUOTENAME(ReplicationTests.GesComDatabase()) + N'.dbo.F_COMPTETG AS T';
    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'Lecture de GesCom (sp[_]executesql, @token = 0, hors transaction)%'
                     AND CHARINDEX(@Expanded, L.Message) > 0
                     AND CHARINDEX(N'UPDATE A', L.Message) > 0)
        EXEC tSQLt.Fail N'The expanded statement was not printed.';
END;
GO

CREATE PROCEDURE ReplicationTests.[test an unknown integration is refused naming the parameter]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@ErpIntegrationID vaut 99%aucune intégration%';

    EXEC dbo.MC_replicate @ErpIntegrationID = 99, @tokenAccount = 0;
END;
GO

CREATE PROCEDURE ReplicationTests.[test a missing integration is refused in French naming the parameter]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@ErpIntegrationID est obligatoire%', @ExpectedErrorNumber = 50000;

    EXEC dbo.MC_replicate @tokenAccount = 0;
END;
GO

CREATE PROCEDURE ReplicationTests.[test Help prints the usage and needs no other parameter]
AS
BEGIN
    EXEC dbo.MC_replicate @Help = 1;

    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'dbo.MC[_]replicate 1.1.0 : réplication des champs GesCom%@ErpIntegrationID%')
        EXEC tSQLt.Fail N'MC_replicate @Help = 1 did not print its usage.';
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_ReplicationLog';
END;
GO

CREATE PROCEDURE ReplicationTests.[test a refused field keeps its watermark and catches up once fixed while the others do not rewrite older rows]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, CT_Intitule, cbReplication) VALUES (''CL0001'', ''PAY0001'', ''Un'', 3), (''CL0002'', ''PAY0002'', ''Deux'', 12);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001'), (2, N'CL0002');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');
    -- Refused at the first cycle: the expression does not compile on F_COMPTET.
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numprinc_repli', N'[CT_Inconnu]');

    DECLARE @Token int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0, @NewToken = @Token OUTPUT;

    -- Between the cycles: the field is fixed, a new tiers arrives, and CL0001's payer changes in
    -- GesCom without a new cbReplication (older than the payer field's watermark).
    UPDATE dbo.Custom_SysParams SET Parm_Value = N'[CT_Intitule]' WHERE Parm_Name = N'REPLI_acc_numprinc_repli';
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, CT_Intitule, cbReplication) VALUES (''CL0003'', ''PAY0003'', ''Trois'', 20);
        UPDATE dbo.F_COMPTET SET CT_NumPayeur = ''AUTRE'' WHERE CT_Num = ''CL0001'';';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (3, N'CL0003');
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = @Token;

    EXEC tSQLt.AssertEquals @Expected = 12, @Actual = @Token;
    SELECT Acc_AccountId, acc_numpayeur_repli, acc_numprinc_repli INTO #Actual FROM dbo.Account;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    -- numprinc catches up from its own watermark (0): CL0001 and CL0002 too; numpayeur read from 12 only.
    INSERT INTO #Expected VALUES (1, N'PAY0001', N'Un'), (2, N'PAY0002', N'Deux'), (3, N'PAY0003', N'Trois');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    SELECT ParameterName, Token INTO #Watermarks FROM dbo.MC_ReplicationWatermark;
    SELECT TOP (0) * INTO #ExpectedWatermarks FROM #Watermarks;
    INSERT INTO #ExpectedWatermarks VALUES (N'REPLI_acc_numpayeur_repli', 20), (N'REPLI_acc_numprinc_repli', 20);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#ExpectedWatermarks', @Actual = N'#Watermarks';
END;
GO

CREATE PROCEDURE ReplicationTests.[test a refused field is placed at the cycle token and stays there]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 30);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]'), (N'REPLI_acc_numprinc_repli', N'[CT_Inconnu]');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 7;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 30;

    SELECT ParameterName, Token INTO #Actual FROM dbo.MC_ReplicationWatermark;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (N'REPLI_acc_numpayeur_repli', 30), (N'REPLI_acc_numprinc_repli', 7);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE ReplicationTests.[test a caller who cannot see Account is told so and nothing advances]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');
    -- An integrator without any right on the vendor table (rolled back with the test).
    CREATE USER [ReplicationTests_integrator] WITHOUT LOGIN;
    ALTER ROLE [MC_integrator] ADD MEMBER [ReplicationTests_integrator];
    DECLARE @Error nvarchar(4000);
    DECLARE @Token int;

    EXECUTE AS USER = N'ReplicationTests_integrator';
    BEGIN TRY
        EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 5, @NewToken = @Token OUTPUT;
    END TRY
    BEGIN CATCH
        SET @Error = ERROR_MESSAGE();
    END CATCH;
    REVERT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'%ne peut pas lire dbo.Account%ReplicationTests[_]integrator%aucun jeton n''avance%', @Actual = @Error;
    EXEC tSQLt.AssertEquals @Expected = 5, @Actual = @Token;
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_ReplicationWatermark';
    DECLARE @Written int = (SELECT COUNT(*) FROM dbo.Account WHERE acc_numpayeur_repli IS NOT NULL);
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Written;
    DECLARE @Status nvarchar(10) = (SELECT Status FROM dbo.MC_ReplicationLog);
    EXEC tSQLt.AssertEqualsString @Expected = N'fail', @Actual = @Status;
    -- Still committable: the error was raised without dooming the caller's transaction.
    DECLARE @State int = XACT_STATE();
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @State;
END;
GO

-- Validation fingerprint (docs/replication.md, "Validation fingerprint"): the compilations are
-- counted by spying dbo.MC_replidescribe after a first, real cycle. A field's check is
-- SELECT CONVERT(...); inside tSQLt's transaction (a caller's) F_COMPTET itself is compiled too,
-- once per cycle (SELECT G.CT_Num ...), which these tests leave out of the count.

CREATE PROCEDURE ReplicationTests.[test a second cycle with nothing changed compiles no field]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, cbReplication) VALUES (''CL0001'', ''PAY0001'', 10);';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]'),
        (N'REPLI_acc_numprinc_repli', N'(SELECT TOP (1) T.CG_Num FROM #F_COMPTETG# AS T WHERE T.CT_Num = G.CT_Num ORDER BY T.CG_Num)');
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;
    EXEC ReplicationTests.InGesCom N'UPDATE dbo.F_COMPTET SET CT_NumPayeur = ''PAY0002'', cbReplication = 11 WHERE CT_Num = ''CL0001'';';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_replidescribe';

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 10, @Trace = 1;

    DECLARE @Compiled int = (SELECT COUNT(*) FROM dbo.MC_replidescribe_SpyProcedureLog AS L WHERE L.[Check] LIKE N'SELECT CONVERT(%');
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Compiled;
    -- The fields were still applied, from what the first cycle's checks kept.
    DECLARE @Actual nvarchar(17) = (SELECT acc_numpayeur_repli FROM dbo.Account WHERE Acc_AccountId = 1);
    EXEC tSQLt.AssertEqualsString @Expected = N'PAY0002', @Actual = @Actual;
    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'Vérification des champs : 0 compilation(s)%, 2 champ(s) aux métadonnées inchangées%')
        EXEC tSQLt.Fail N'The trace did not say that no field was compiled.';
    SELECT ParameterName, CheckError INTO #Actual FROM dbo.MC_ReplicationFieldCheck;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (N'REPLI_acc_numpayeur_repli', NULL), (N'REPLI_acc_numprinc_repli', NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE ReplicationTests.[test a changed declaration compiles that field only]
AS
BEGIN
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]'), (N'REPLI_acc_numprinc_repli', N'[CT_NumPayeur]');
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;
    UPDATE dbo.Custom_SysParams SET Parm_Value = N'LEFT([CT_Intitule], 13)' WHERE Parm_Name = N'REPLI_acc_numprinc_repli';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_replidescribe';

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    DECLARE @Compiled int = (SELECT COUNT(*) FROM dbo.MC_replidescribe_SpyProcedureLog AS L WHERE L.[Check] LIKE N'SELECT CONVERT(%');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Compiled;
    IF NOT EXISTS (SELECT 1 FROM dbo.MC_replidescribe_SpyProcedureLog AS L WHERE L.[Check] LIKE N'SELECT CONVERT(%' AND L.[Check] LIKE N'%LEFT(\[CT\_Intitule\], 13)%' ESCAPE N'\')
        EXEC tSQLt.Fail N'The field compiled again was not the one whose declaration changed.';
END;
GO

CREATE PROCEDURE ReplicationTests.[test a column added to a table a subquery reads compiles the fields reading it only]
AS
BEGIN
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]'),
        (N'REPLI_acc_numprinc_repli', N'(SELECT TOP (1) T.CG_Num FROM #F_COMPTETG# AS T WHERE T.CT_Num = G.CT_Num ORDER BY T.CG_Num)');
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;
    -- The fixture's table, inside the test's transaction (rolled back): GesCom's metadata changes.
    EXEC ReplicationTests.InGesCom N'ALTER TABLE dbo.F_COMPTETG ADD ReplicationTests_added int NULL;';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_replidescribe';

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    SELECT L.[Check] INTO #Actual FROM dbo.MC_replidescribe_SpyProcedureLog AS L WHERE L.[Check] LIKE N'SELECT CONVERT(%';
    DECLARE @Compiled int = (SELECT COUNT(*) FROM #Actual);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Compiled;
    IF NOT EXISTS (SELECT 1 FROM #Actual WHERE [Check] LIKE N'%F[_]COMPTETG%')
        EXEC tSQLt.Fail N'The field reading F_COMPTETG was not compiled again.';
END;
GO

CREATE PROCEDURE ReplicationTests.[test a function whose signature changed compiles the field calling it]
AS
BEGIN
    EXEC sys.sp_executesql N'CREATE FUNCTION ReplicationTests.FCT_longueur (@CT_Num varchar(17)) RETURNS int AS BEGIN RETURN LEN(@CT_Num); END;';
    INSERT INTO dbo.MC_ReplicationFunction (FunctionName) VALUES (N'ReplicationTests.FCT_longueur');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'ReplicationTests.FCT_longueur(CT_Num)'),
        (N'REPLI_acc_numprinc_repli', N'[CT_NumPayeur]');
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;
    EXEC sys.sp_executesql N'ALTER FUNCTION ReplicationTests.FCT_longueur (@CT_Num varchar(35)) RETURNS bigint AS BEGIN RETURN LEN(@CT_Num); END;';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_replidescribe';

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    SELECT L.[Check] INTO #Actual FROM dbo.MC_replidescribe_SpyProcedureLog AS L WHERE L.[Check] LIKE N'SELECT CONVERT(%';
    DECLARE @Compiled int = (SELECT COUNT(*) FROM #Actual);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Compiled;
    IF NOT EXISTS (SELECT 1 FROM #Actual WHERE [Check] LIKE N'%FCT[_]longueur%')
        EXEC tSQLt.Fail N'The field calling the changed function was not compiled again.';
END;
GO

CREATE PROCEDURE ReplicationTests.[test a field refused for its compilation is refused again without compiling while nothing changed]
AS
BEGIN
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numprinc_repli', N'[CT_Inconnu]');
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;
    DELETE FROM dbo.MC_print_SpyProcedureLog;
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_replidescribe';

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    DECLARE @Compiled int = (SELECT COUNT(*) FROM dbo.MC_replidescribe_SpyProcedureLog AS L WHERE L.[Check] LIKE N'SELECT CONVERT(%');
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Compiled;
    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'Paramètre REPLI[_]acc[_]numprinc[_]repli ignoré : la valeur « [[]CT[_]Inconnu] » ne se compile pas%CT[_]Inconnu%')
        EXEC tSQLt.Fail N'The refusal kept from the first cycle was not reported again, with the engine''s reason.';
    DECLARE @Skipped int = (SELECT TOP (1) FieldsSkipped FROM dbo.MC_ReplicationLog ORDER BY ReplicationLogID DESC);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Skipped;
END;
GO

CREATE PROCEDURE ReplicationTests.[test a simulation keeps no check]
AS
BEGIN
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0, @Rollback = 1;

    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_ReplicationFieldCheck';
END;
GO

CREATE PROCEDURE ReplicationTests.[test a field whose source row would pass 8060 bytes is refused in French and the others applied]
AS
BEGIN
    EXEC ReplicationTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, CT_Intitule, cbReplication) VALUES (''CL0001'', ''PAY0001'', ''Un'', 10);';
    -- The faked Account is ours: two wide fixed-length columns cannot both be in one row.
    ALTER TABLE dbo.Account ADD acc_large1_repli nchar(3900) NULL, acc_large2_repli nchar(4000) NULL;
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL0001');
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_large1_repli', N'[CT_Intitule]'),
        (N'REPLI_acc_large2_repli', N'[CT_Intitule]'), (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;

    IF NOT EXISTS (SELECT 1 FROM dbo.MC_print_SpyProcedureLog AS L
                   WHERE L.Message LIKE N'%Paramètre REPLI[_]acc[_]large2[_]repli ignoré : une ligne de la table de lecture #MC[_]replicate[_]source atteindrait%plus que les 8 060 octets par ligne de SQL Server%')
        EXEC tSQLt.Fail N'The field passing the row limit was not refused with the limit named.';
    SELECT Acc_AccountId, RTRIM(acc_large1_repli) AS large1, acc_large2_repli, acc_numpayeur_repli INTO #Actual FROM dbo.Account;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES (1, N'Un', NULL, N'PAY0001');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE ReplicationTests.[test an integration whose GesCom database cannot be read fails naming F_COMPTET before any field is checked]
AS
BEGIN
    UPDATE dbo.MC_Integration SET GesComDatabase = N'ReplicationTests_absente' WHERE ErpIntegrationID = 1;
    INSERT INTO dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]');
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'La table [[]ReplicationTests[_]absente].dbo.F[_]COMPTET de l''intégration 1 est illisible : %', @ExpectedErrorNumber = 50000;

    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 0;
END;
GO
