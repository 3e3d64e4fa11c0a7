/*
MaintenanceTests: dbo.MC_maintenance and its executor dbo.MC_maintenanceexecute (docs/maintenance.md),
always with @Execute = 'N': tSQLt runs each test inside a transaction, where BACKUP and DBCC
cannot run, and a dry run runs no command (it prints and journals them).
SetUp fakes the plan and the journal and spies on MC_print and MC_backup before each test.
The database under test is the CRM database itself (@Databases = N'CRM').
*/
EXEC tSQLt.NewTestClass 'MaintenanceTests';
GO

CREATE PROCEDURE MaintenanceTests.SetUp
AS
BEGIN
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_MaintenancePlan', @Defaults = 1;
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_MaintenanceLog', @Identity = 1, @Defaults = 1;
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_print';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_backup';
END;
GO

CREATE PROCEDURE MaintenanceTests.[test a dry run journals the weekly consistency check as not executed with its command]
AS
BEGIN
    INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder) VALUES ('CHECKDB', 'weekly', 1, 10);

    DECLARE @Result int;
    EXEC @Result = dbo.MC_maintenance @Slot = 'weekly', @Databases = N'CRM', @Execute = 'N';

    SELECT DatabaseName, Task, Slot, Outcome, Command INTO #Actual FROM dbo.MC_MaintenanceLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (DB_NAME(), 'CHECKDB', 'weekly', 'NotExecuted', CONCAT(N'DBCC CHECKDB (', QUOTENAME(DB_NAME()), N') WITH NO_INFOMSGS, ALL_ERRORMSGS;'));
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Result;
END;
GO

CREATE PROCEDURE MaintenanceTests.[test a log backup of a SIMPLE database is skipped and journaled with its reason]
AS
BEGIN
    -- The guide's recovery model, which the test databases have (docs/testing.md).
    IF (SELECT d.recovery_model_desc FROM sys.databases AS d WHERE d.name = DB_NAME()) <> N'SIMPLE'
        EXEC tSQLt.Fail N'The test database should be in the SIMPLE recovery model (ALTER DATABASE ... SET RECOVERY SIMPLE).';
    INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder) VALUES ('BACKUP_LOG', 'hourly', 1, 40);

    EXEC dbo.MC_maintenance @Slot = 'hourly', @Databases = N'CRM', @Execute = 'N';

    DECLARE @Outcome varchar(12), @Message nvarchar(4000);
    SELECT @Outcome = l.Outcome, @Message = l.Message FROM dbo.MC_MaintenanceLog AS l WHERE l.Task = 'BACKUP_LOG';
    EXEC tSQLt.AssertEquals @Expected = 'Skipped', @Actual = @Outcome;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'Modèle de récupération SIMPLE%impossible%', @Actual = @Message;
    IF EXISTS (SELECT 1 FROM dbo.MC_backup_SpyProcedureLog)
        EXEC tSQLt.Fail N'No log backup may be asked of a SIMPLE database.';
END;
GO

CREATE PROCEDURE MaintenanceTests.[test the nightly differential is skipped on the night of the full]
AS
BEGIN
    DECLARE @Today tinyint = (DATEPART(WEEKDAY, SYSDATETIME()) + @@DATEFIRST - 2) % 7 + 1;
    INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder) VALUES ('BACKUP_DIFF', 'nightly', 1, 40), ('BACKUP_FULL', 'weekly', 1, 40);

    EXEC dbo.MC_maintenance @Slot = 'nightly', @Databases = N'CRM', @FullBackupWeekday = @Today, @Execute = 'N';

    DECLARE @Message nvarchar(4000) = (SELECT l.Message FROM dbo.MC_MaintenanceLog AS l WHERE l.Task = 'BACKUP_DIFF' AND l.Outcome = 'Skipped');
    EXEC tSQLt.AssertLike @ExpectedPattern = N'Nuit de la sauvegarde complète%', @Actual = @Message;
    IF EXISTS (SELECT 1 FROM dbo.MC_backup_SpyProcedureLog)
        EXEC tSQLt.Fail N'No backup may be asked on the night of the full.';
END;
GO

CREATE PROCEDURE MaintenanceTests.[test a differential follows the engine's differential base, taken as a full and said so without one]
AS
BEGIN
    DECLARE @Today tinyint = (DATEPART(WEEKDAY, SYSDATETIME()) + @@DATEFIRST - 2) % 7 + 1;
    DECLARE @NotToday tinyint = @Today % 7 + 1;
    DECLARE @HasBase bit = (SELECT CASE WHEN mf.differential_base_lsn IS NOT NULL AND mf.differential_base_guid IS NOT NULL THEN 1 ELSE 0 END
                            FROM sys.master_files AS mf WHERE mf.database_id = DB_ID() AND mf.file_id = 1);
    INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder) VALUES ('BACKUP_DIFF', 'nightly', 1, 40);

    EXEC dbo.MC_maintenance @Slot = 'nightly', @Databases = N'CRM', @FullBackupWeekday = @NotToday, @Execute = 'N';

    SELECT [Type], Databases, [Execute] INTO #Actual FROM dbo.MC_backup_SpyProcedureLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (CASE WHEN @HasBase = 1 THEN 'DIFF' ELSE 'FULL' END, DB_NAME(), 'N');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    -- Without a base the replacement is said in the journal; with one, nothing is skipped.
    DECLARE @Said int = (SELECT COUNT(*) FROM dbo.MC_MaintenanceLog AS l
                         WHERE l.Task = 'BACKUP_DIFF' AND l.Outcome = 'Skipped' AND l.Message LIKE N'Pas de base valide pour une différentielle%complète%');
    DECLARE @ExpectedSaid int = CASE WHEN @HasBase = 1 THEN 0 ELSE 1 END;
    EXEC tSQLt.AssertEquals @Expected = @ExpectedSaid, @Actual = @Said;
END;
GO

CREATE PROCEDURE MaintenanceTests.[test the disabled shrink row is journaled as skipped with the guide's warning]
AS
BEGIN
    INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder) VALUES ('SHRINK', 'monthly', 0, 50);

    EXEC dbo.MC_maintenance @Slot = 'monthly', @Databases = N'CRM', @Execute = 'N';

    SELECT Task, Outcome, Command INTO #Actual FROM dbo.MC_MaintenanceLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES ('SHRINK', 'Skipped', NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    DECLARE @Message nvarchar(4000) = (SELECT l.Message FROM dbo.MC_MaintenanceLog AS l);
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%désactivée%le guide déconseille de réduire la base, qui fragmente ses index.', @Actual = @Message;
END;
GO

CREATE PROCEDURE MaintenanceTests.[test an enabled shrink prints the guide's warning with its command]
AS
BEGIN
    INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder) VALUES ('SHRINK', 'monthly', 1, 50);

    EXEC dbo.MC_maintenance @Slot = 'monthly', @Databases = N'CRM', @Execute = 'N';

    DECLARE @Outcome varchar(12), @Message nvarchar(4000), @Command nvarchar(max);
    SELECT @Outcome = l.Outcome, @Message = l.Message, @Command = l.Command FROM dbo.MC_MaintenanceLog AS l WHERE l.Task = 'SHRINK';
    EXEC tSQLt.AssertEquals @Expected = 'NotExecuted', @Actual = @Outcome;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'Attention (guide) : réduire la base fragmente ses index%', @Actual = @Message;
    DECLARE @ExpectedCommand nvarchar(max) = CONCAT(N'DBCC SHRINKDATABASE (', QUOTENAME(DB_NAME()), N') WITH NO_INFOMSGS;');
    EXEC tSQLt.AssertEqualsString @Expected = @ExpectedCommand, @Actual = @Command;
END;
GO

CREATE PROCEDURE MaintenanceTests.[test no command starts once the time limit has passed and each is journaled as skipped]
AS
BEGIN
    INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder) VALUES ('CHECKDB', 'weekly', 1, 10), ('BACKUP_FULL', 'weekly', 1, 40);

    EXEC dbo.MC_maintenance @Slot = 'weekly', @Databases = N'CRM', @TimeLimit = 0, @Execute = 'N';

    SELECT Task, Outcome INTO #Actual FROM dbo.MC_MaintenanceLog WHERE Message LIKE N'Limite de temps atteinte%';
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES ('CHECKDB', 'Skipped'), ('BACKUP_FULL', 'Skipped');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    IF EXISTS (SELECT 1 FROM dbo.MC_backup_SpyProcedureLog)
        EXEC tSQLt.Fail N'No backup may start after the time limit.';
END;
GO

CREATE PROCEDURE MaintenanceTests.[test every parameter problem is raised together and nothing is journaled]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'MC_maintenance : paramètres invalides%@Slot = ''daily''%@Execute = ''X''%@TimeLimit = -1%@FullBackupWeekday = 9%@Databases : la base [[]NoSuchDatabase_%';

    EXEC dbo.MC_maintenance @Slot = 'daily', @Execute = 'X', @TimeLimit = -1, @FullBackupWeekday = 9, @Databases = N'CRM, NoSuchDatabase_7c1e';
END;
GO

CREATE PROCEDURE MaintenanceTests.[test a real run inside a transaction is refused, nothing runs]
AS
BEGIN
    INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder) VALUES ('CHECKDB', 'weekly', 1, 10);
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'%transaction ouverte%';

    -- tSQLt's own transaction is open here.
    EXEC dbo.MC_maintenance @Slot = 'weekly', @Databases = N'CRM', @Execute = 'Y';
END;
GO

CREATE PROCEDURE MaintenanceTests.[test the run header names the server, the edition and a re-runnable EXEC line]
AS
BEGIN
    EXEC dbo.MC_maintenance @Slot = 'hourly', @Databases = N'CRM', @Execute = 'N';

    DECLARE @Header nvarchar(max) = (SELECT TOP (1) s.Message FROM dbo.MC_print_SpyProcedureLog AS s ORDER BY s._id_);
    EXEC tSQLt.AssertLike @ExpectedPattern = N'MC_maintenance 1.0.0 : créneau hourly (non exécuté%', @Actual = @Header;
    IF CHARINDEX(CONCAT(N'Serveur : ', @@SERVERNAME), @Header) = 0 OR CHARINDEX(N'édition : ', @Header) = 0
       OR CHARINDEX(CONCAT(N'Pour relancer : EXEC ', QUOTENAME(DB_NAME()), N'.dbo.MC_maintenance @Slot = ''hourly'', @Databases = N''CRM'''), @Header) = 0
        EXEC tSQLt.Fail N'The run header lacks the server, the edition or the EXEC line: ', @Header;
END;
GO
