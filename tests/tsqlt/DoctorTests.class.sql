/*
DoctorTests: dbo.MC_doctor's anomaly checks (docs/doctor.md, DOC-5xx and DOC-6xx) on fixture data.

Needs the GesCom test database that crmdb test deploys from tests/fixtures/GesCom and names in the
database-level extended property crmdb_test.gescom_database (as ReplicationTests). Each test writes
its own GesCom rows there with InGesCom (rolled back with the test, same instance), fakes the CRM
tables it fills (dbo.Account, dbo.Communication, dbo.MC_Integration), runs dbo.MC_doctor for
integration 1 and reads its one result set back (INSERT ... EXEC: MC_doctor nests none).
*/
EXEC tSQLt.NewTestClass 'DoctorTests';
GO

CREATE FUNCTION DoctorTests.GesComDatabase ()
RETURNS sysname
AS
BEGIN
    RETURN (SELECT CONVERT(sysname, P.value) FROM sys.extended_properties AS P
            WHERE P.class = 0 AND P.name = N'crmdb_test.gescom_database');
END;
GO

CREATE PROCEDURE DoctorTests.SetUp
AS
BEGIN
    DECLARE @GesCom sysname = DoctorTests.GesComDatabase();
    IF DB_ID(@GesCom) IS NULL
        EXEC tSQLt.Fail N'No GesCom test database: run the tests with crmdb test, which deploys tests/fixtures/GesCom and names it in the extended property crmdb_test.gescom_database.';
    EXEC tSQLt.FakeTable @TableName = N'dbo.Account';
    EXEC tSQLt.FakeTable @TableName = N'dbo.Communication';
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_Integration';
    INSERT INTO dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase)
    VALUES (1, N'Intégration de test', N'', @GesCom);
END;
GO

-- MC_doctor's result set, read back by each test (rows rolled back with the test).
CREATE TABLE DoctorTests.Findings (Priority int, CheckId nvarchar(10), Area nvarchar(20), Scope nvarchar(300), CannotCheck bit, Finding nvarchar(400),
    Details nvarchar(max), MissingRight nvarchar(400), RowsFound bigint, DetailsQuery nvarchar(max), Fix nvarchar(max), Url nvarchar(400));
GO

CREATE PROCEDURE DoctorTests.InGesCom
    @Statement nvarchar(max)
AS
BEGIN
    DECLARE @Executor nvarchar(300) = QUOTENAME(DoctorTests.GesComDatabase()) + N'.sys.sp_executesql';
    EXEC @Executor @Statement;
END;
GO

-- Runs the doctor for integration 1 into DoctorTests.Findings.
CREATE PROCEDURE DoctorTests.RunDoctor
AS
BEGIN
    DELETE FROM DoctorTests.Findings;
    INSERT INTO DoctorTests.Findings EXEC dbo.MC_doctor @ErpIntegrationID = 1, @CrmLogin = N'sa';
END;
GO

CREATE PROCEDURE DoctorTests.[test clean fixture data gives no anomaly]
AS
BEGIN
    EXEC DoctorTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, CG_NumPrinc) VALUES (''CL1'', ''CL1'', ''4110000''), (''CL2'', ''CL1'', NULL);
        INSERT INTO dbo.F_COMPTEG (CG_Num) VALUES (''4110000'');
        INSERT INTO dbo.F_DOCENTETE (DO_Domaine, DO_Type, DO_Piece) VALUES (0, 1, ''BC001'');
        INSERT INTO dbo.F_DOCLIGNE (DO_Domaine, DO_Type, DO_Piece) VALUES (0, 1, ''BC001'');';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL1'), (2, N'CL2');
    INSERT INTO dbo.Communication (Comm_CommunicationId, Comm_Type, Comm_DateTime, Comm_ToDateTime) VALUES (1, N'Appointment', '20261201 10:00', '20261201 11:00');

    EXEC DoctorTests.RunDoctor;

    DECLARE @Found nvarchar(max) = (SELECT STRING_AGG(CONCAT(CheckId, N' ', Details, MissingRight), N'; ') FROM DoctorTests.Findings
        WHERE CheckId LIKE N'DOC-5%' OR CheckId LIKE N'DOC-6%');
    EXEC tSQLt.AssertEquals @Expected = NULL, @Actual = @Found, @Message = N'anomaly findings on clean data';
END;
GO

CREATE PROCEDURE DoctorTests.[test a payer and a general account pointing nowhere are counted]
AS
BEGIN
    EXEC DoctorTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num, CT_NumPayeur, CG_NumPrinc) VALUES (''CL1'', ''NOPE'', ''4119999''), (''CL2'', ''CL1'', ''''), (''CL3'', NULL, ''4119999'');';

    EXEC DoctorTests.RunDoctor;

    DECLARE @Payers bigint = (SELECT RowsFound FROM DoctorTests.Findings WHERE CheckId = N'DOC-501');
    DECLARE @Accounts bigint = (SELECT RowsFound FROM DoctorTests.Findings WHERE CheckId = N'DOC-502');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Payers, @Message = N'DOC-501';
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Accounts, @Message = N'DOC-502';
    DECLARE @Query nvarchar(max) = (SELECT DetailsQuery FROM DoctorTests.Findings WHERE CheckId = N'DOC-501');
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%.dbo.F_COMPTET AS t WHERE t.CT_NumPayeur%', @Actual = @Query;
END;
GO

CREATE PROCEDURE DoctorTests.[test payment terms on an unused slot are counted]
AS
BEGIN
    EXEC DoctorTests.InGesCom N'INSERT INTO dbo.P_REGLEMENT (R_Intitule, cbIndice) VALUES (''Chèque'', 1), ('''', 2);
        INSERT INTO dbo.F_REGLEMENTT (CT_Num, N_Reglement) VALUES (''CL1'', 1), (''CL1'', 2), (''CL2'', 7);';

    EXEC DoctorTests.RunDoctor;

    DECLARE @Rows bigint = (SELECT RowsFound FROM DoctorTests.Findings WHERE CheckId = N'DOC-503');
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Rows;
END;
GO

CREATE PROCEDURE DoctorTests.[test document lines without their header are counted by document]
AS
BEGIN
    EXEC DoctorTests.InGesCom N'INSERT INTO dbo.F_DOCENTETE (DO_Domaine, DO_Type, DO_Piece) VALUES (0, 1, ''BC001'');
        INSERT INTO dbo.F_DOCLIGNE (DO_Domaine, DO_Type, DO_Piece) VALUES (0, 1, ''BC001''), (0, 1, ''BC999''), (0, 1, ''BC999''), (0, 2, ''BC001'');';

    EXEC DoctorTests.RunDoctor;

    DECLARE @Rows bigint = (SELECT RowsFound FROM DoctorTests.Findings WHERE CheckId = N'DOC-504');
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Rows;
END;
GO

CREATE PROCEDURE DoctorTests.[test CRM accounts without their tiers and a tiers on two accounts are counted]
AS
BEGIN
    EXEC DoctorTests.InGesCom N'INSERT INTO dbo.F_COMPTET (CT_Num) VALUES (''CL1'');';
    INSERT INTO dbo.Account (Acc_AccountId, acc_erp_account_id, Acc_Deleted) VALUES (1, N'CL1', NULL), (2, N'CL1', NULL), (3, N'GHOST', NULL), (4, N'GONE', 1), (5, NULL, NULL);

    EXEC DoctorTests.RunDoctor;

    DECLARE @Unmatched bigint = (SELECT RowsFound FROM DoctorTests.Findings WHERE CheckId = N'DOC-505');
    DECLARE @Twice bigint = (SELECT RowsFound FROM DoctorTests.Findings WHERE CheckId = N'DOC-506');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Unmatched, @Message = N'DOC-505';
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Twice, @Message = N'DOC-506';
END;
GO

CREATE PROCEDURE DoctorTests.[test the Exchange rules count recurring appointments without end and start equal to end]
AS
BEGIN
    INSERT INTO dbo.Communication (Comm_CommunicationId, Comm_Type, Comm_DateTime, Comm_ToDateTime, Comm_RecurrenceId, Comm_Deleted) VALUES
        (1, N'Appointment', '20261201 10:00', '20261201 10:00', NULL, NULL),
        (2, N'Appointment', '20261201 10:00', NULL, 7, NULL),
        (3, N'Task', '20261201 10:00', '20261201 10:00', NULL, NULL),
        (4, N'Appointment', '20261201 10:00', '20261201 10:00', NULL, 1),
        (5, N'Appointment', '20261201 10:00', '20261201 11:00', 8, NULL);

    EXEC DoctorTests.RunDoctor;

    DECLARE @NoEnd bigint = (SELECT RowsFound FROM DoctorTests.Findings WHERE CheckId = N'DOC-601');
    DECLARE @Equal bigint = (SELECT RowsFound FROM DoctorTests.Findings WHERE CheckId = N'DOC-602');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @NoEnd, @Message = N'DOC-601';
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Equal, @Message = N'DOC-602';
END;
GO

CREATE PROCEDURE DoctorTests.[test a bad FailOn returns 2 and the return value follows FailOn]
AS
BEGIN
    DECLARE @Bad int, @Lax int, @Strict int;
    EXEC @Bad = dbo.MC_doctor @FailOn = 0;
    INSERT INTO DoctorTests.Findings EXEC @Lax = dbo.MC_doctor @ErpIntegrationID = 1, @CrmLogin = N'sa', @FailOn = 255;
    DECLARE @ExpectedLax int = CASE WHEN EXISTS (SELECT 1 FROM DoctorTests.Findings) THEN 1 ELSE 0 END;
    DELETE FROM DoctorTests.Findings;
    INSERT INTO DoctorTests.Findings EXEC @Strict = dbo.MC_doctor @ErpIntegrationID = 1, @CrmLogin = N'sa', @FailOn = 1;
    DECLARE @ExpectedStrict int = CASE WHEN EXISTS (SELECT 1 FROM DoctorTests.Findings WHERE Priority <= 1) THEN 1 ELSE 0 END;
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Bad, @Message = N'@FailOn = 0';
    EXEC tSQLt.AssertEquals @Expected = @ExpectedLax, @Actual = @Lax, @Message = N'@FailOn = 255';
    EXEC tSQLt.AssertEquals @Expected = @ExpectedStrict, @Actual = @Strict, @Message = N'@FailOn = 1';
    -- A test database has no backup yet: DOC-209 is there, so 255 fails.
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Lax, @Message = N'a fresh test database has findings';
END;
GO
