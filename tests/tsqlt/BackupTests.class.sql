/*
BackupTests: dbo.MC_backup, the paired backup of the CRM and its GesCom (docs/backup.md).

Every test calls MC_backup with @Execute = 'N' (tSQLt runs each test in a transaction, where BACKUP
cannot run) and spies dbo.MC_maintenanceexecute, so that the commands MC_backup hands to the
executor are read back from its spy log. The CRM is the test database; the GesCom is the GesCom
test database that crmdb test deploys (extended property crmdb_test.gescom_database), recorded
on a faked dbo.MC_Integration. The exact texts are also compared with crmdb's (BackupStatements)
by the engine tests (tests/CrmDb.Tests/Backup/BackupEngineTests.cs).
*/
EXEC tSQLt.NewTestClass 'BackupTests';
GO

CREATE FUNCTION BackupTests.GesComDatabase ()
RETURNS sysname
AS
BEGIN
    RETURN (SELECT CONVERT(sysname, P.value) FROM sys.extended_properties AS P
            WHERE P.class = 0 AND P.name = N'crmdb_test.gescom_database');
END;
GO

CREATE PROCEDURE BackupTests.SetUp
AS
BEGIN
    DECLARE @GesCom sysname = BackupTests.GesComDatabase();
    IF DB_ID(@GesCom) IS NULL
        EXEC tSQLt.Fail N'No GesCom test database: run the tests with crmdb test, which deploys tests/fixtures/GesCom and names it in the extended property crmdb_test.gescom_database.';
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_Integration';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_maintenanceexecute';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_print';
    INSERT INTO dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase, IsActive)
    VALUES (1, N'Intégration de test', N'', @GesCom, 1);
END;
GO

CREATE PROCEDURE BackupTests.[test a full pair backs up and verifies the CRM and its GesCom under one label]
AS
BEGIN
    DECLARE @Label char(15);
    DECLARE @Result int;
    DECLARE @GesCom sysname = BackupTests.GesComDatabase();

    EXEC @Result = dbo.MC_backup @Type = 'FULL', @Directory = N'D:\Sauvegardes\', @Execute = 'N', @PairLabel = @Label OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Result;
    SELECT Task, DatabaseName, PairLabel, [Execute]
    INTO #Actual
    FROM dbo.MC_maintenanceexecute_SpyProcedureLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES ('BACKUP_FULL', DB_NAME(), @Label, 'N'), ('VERIFY', DB_NAME(), @Label, 'N'),
                                 ('BACKUP_FULL', @GesCom, @Label, 'N'), ('VERIFY', @GesCom, @Label, 'N');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    IF (SELECT COUNT(DISTINCT RunID) FROM dbo.MC_maintenanceexecute_SpyProcedureLog) <> 1
        EXEC tSQLt.Fail N'The commands of one pair belong to one run.';
END;
GO

CREATE PROCEDURE BackupTests.[test each backup is checksummed, described and named with the label, file name first]
AS
BEGIN
    DECLARE @Label char(15);
    EXEC dbo.MC_backup @Type = 'FULL', @CopyOnly = 1, @Directory = N'D:\Sauvegardes', @Databases = N'CRM', @Execute = 'N', @PairLabel = @Label OUTPUT;

    -- Display: what is journaled and printed; Command: what runs, with the values as variables.
    DECLARE @Backup nvarchar(max) = (SELECT Display FROM dbo.MC_maintenanceexecute_SpyProcedureLog WHERE Task = 'BACKUP_FULL');
    DECLARE @Verify nvarchar(max) = (SELECT Display FROM dbo.MC_maintenanceexecute_SpyProcedureLog WHERE Task = 'VERIFY');
    DECLARE @BackupRun nvarchar(max) = (SELECT Command FROM dbo.MC_maintenanceexecute_SpyProcedureLog WHERE Task = 'BACKUP_FULL');
    DECLARE @BackupFile nvarchar(4000) = (SELECT [File] FROM dbo.MC_maintenanceexecute_SpyProcedureLog WHERE Task = 'BACKUP_FULL');
    DECLARE @File nvarchar(2048) = CONCAT(N'D:\Sauvegardes\', @Label, N'_',
        TRANSLATE(REPLACE(CONVERT(sysname, SERVERPROPERTY('ServerName')), N'\', N'$'), N'\/:*?"<>| ', N'__________'), N'_',
        TRANSLATE(DB_NAME(), N'\/:*?"<>| ', N'__________'), N'_FULL.bak');

    IF CHARINDEX(CONCAT(N'BACKUP DATABASE ', QUOTENAME(DB_NAME()), N' TO DISK = N''', REPLACE(@File, N'''', N''''''), N''''), @Backup) <> 1
        EXEC tSQLt.Fail N'The file is D:\Sauvegardes\<label>_<server>_<database>_FULL.bak: ', @Backup;
    IF CHARINDEX(N''' WITH CHECKSUM', @Backup) = 0
        EXEC tSQLt.Fail N'The backup is not taken WITH CHECKSUM: ', @Backup;
    IF CHARINDEX(N', COPY_ONLY, DESCRIPTION = N''CrmDb pair ' + @Label + N''', NAME = N''CrmDb ' + REPLACE(DB_NAME(), N'''', N'''''') + N' FULL ' + @Label + N''';', @Backup) = 0
        EXEC tSQLt.Fail N'COPY_ONLY, the pair''s description and the set name are missing: ', @Backup;
    IF CHARINDEX(N' TO DISK = @File WITH CHECKSUM', @BackupRun) = 0 OR CHARINDEX(N'DESCRIPTION = @Description, NAME = @Name;', @BackupRun) = 0
        EXEC tSQLt.Fail N'The backup that runs must read its file, description and name as variables: ', @BackupRun;
    EXEC tSQLt.AssertEqualsString @Expected = @File, @Actual = @BackupFile;
    DECLARE @ExpectedVerify nvarchar(max) = CONCAT(N'RESTORE VERIFYONLY FROM DISK = N''', REPLACE(@File, N'''', N''''''), N''' WITH CHECKSUM;');
    EXEC tSQLt.AssertEqualsString @Expected = @ExpectedVerify, @Actual = @Verify;
END;
GO

CREATE PROCEDURE BackupTests.[test the label is the UTC time as yyyyMMdd_HHmmss]
AS
BEGIN
    DECLARE @Before datetime2(0) = DATEADD(SECOND, -1, SYSUTCDATETIME());
    DECLARE @Label char(15);
    EXEC dbo.MC_backup @Directory = N'D:\B', @Execute = 'N', @PairLabel = @Label OUTPUT;
    DECLARE @After datetime2(0) = DATEADD(SECOND, 1, SYSUTCDATETIME());

    DECLARE @Time datetime2(0) = CONVERT(datetime2(0), STUFF(STUFF(STUFF(STUFF(STUFF(@Label, 14, 0, N':'), 12, 0, N':'), 9, 1, N' '), 7, 0, N'-'), 5, 0, N'-'), 120);
    IF @Time NOT BETWEEN @Before AND @After
        EXEC tSQLt.Fail N'The label is not the UTC time of the call: ', @Label;
    IF EXISTS (SELECT 1 FROM dbo.MC_maintenanceexecute_SpyProcedureLog WHERE PairLabel <> @Label OR PairLabel IS NULL)
        EXEC tSQLt.Fail N'Every journal row carries the label.';
END;
GO

CREATE PROCEDURE BackupTests.[test a log backup of a SIMPLE database is skipped and says so]
AS
BEGIN
    -- master is in SIMPLE recovery on every instance CrmDb supports; it stands for a GesCom in SIMPLE.
    UPDATE dbo.MC_Integration SET GesComDatabase = N'master';
    DECLARE @Result int;

    EXEC @Result = dbo.MC_backup @Type = 'LOG', @Directory = N'D:\B', @Databases = N'GESCOM', @Execute = 'N';

    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Result;
    SELECT Task, DatabaseName, Skip INTO #Actual FROM dbo.MC_maintenanceexecute_SpyProcedureLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT INTO #Expected VALUES ('BACKUP_LOG', N'master', 1);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    DECLARE @Message nvarchar(4000) = (SELECT Message FROM dbo.MC_maintenanceexecute_SpyProcedureLog);
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%SIMPLE%', @Actual = @Message;
END;
GO

CREATE PROCEDURE BackupTests.[test a GesCom on another server leaves the pair incomplete and names crmdb backup --gescom-connection]
AS
BEGIN
    UPDATE dbo.MC_Integration SET GesComServer = N'SRV_GESCOM_DISTANT';
    DECLARE @Result int;

    EXEC @Result = dbo.MC_backup @Directory = N'D:\B', @Execute = 'N';

    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Result;
    DECLARE @Message nvarchar(4000) = (SELECT Message FROM dbo.MC_maintenanceexecute_SpyProcedureLog WHERE Skip = 1);
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%SRV_GESCOM_DISTANT%crmdb backup --gescom-connection%', @Actual = @Message;
    IF NOT EXISTS (SELECT 1 FROM dbo.MC_maintenanceexecute_SpyProcedureLog WHERE Task = 'BACKUP_FULL' AND DatabaseName = DB_NAME() AND Skip = 0)
        EXEC tSQLt.Fail N'The CRM is still backed up.';
END;
GO

CREATE PROCEDURE BackupTests.[test a differential cannot be copy-only and nothing runs]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@CopyOnly = 1 avec @Type = ''DIFF''%';
    EXEC dbo.MC_backup @Type = 'DIFF', @CopyOnly = 1, @Directory = N'D:\B', @Execute = 'N';
END;
GO

CREATE PROCEDURE BackupTests.[test every parameter problem is raised together, naming the parameter]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%@Type = ''WEEKLY''%@LockTimeout = -1%@Databases : « NoSuchDb »%';
    EXEC dbo.MC_backup @Type = 'WEEKLY', @Databases = N'CRM, NoSuchDb', @LockTimeout = -1, @Directory = N'D:\B', @Execute = 'N';
END;
GO

CREATE PROCEDURE BackupTests.[test help prints the usage and runs nothing]
AS
BEGIN
    EXEC dbo.MC_backup @Help = 1;

    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_maintenanceexecute_SpyProcedureLog';
    DECLARE @Printed nvarchar(max) = (SELECT STRING_AGG(CONVERT(nvarchar(max), Message), N'') FROM dbo.MC_print_SpyProcedureLog);
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%EXEC dbo.MC_backup%@Type%@CopyOnly%@Directory%', @Actual = @Printed;
END;
GO
