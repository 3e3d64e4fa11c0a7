/*
MC_maintenance: runs one slot of the maintenance plan (dbo.MC_MaintenancePlan) for the CRM
database and, with an active integration, its GesCom database, on every edition (Express
included: SQL Agent or the Windows Task Scheduler calls it, see crmdb maintenance schedule).

Every command goes through dbo.MC_maintenanceexecute, which prints it and journals it in
dbo.MC_MaintenanceLog. Every decision is said and journaled (Outcome Skipped, with its reason),
never silent:
  - a disabled row of the slot (SHRINK, disabled by default: the guide warns it fragments);
  - a log backup of a SIMPLE database (impossible), or of a database with no full backup yet;
  - a differential on the night of the full (@FullBackupWeekday), or with no valid base
    (sys.master_files.differential_base_lsn/guid NULL, not msdb history): taken as a full;
  - a rebuild done offline because the edition has no online index operations
    (SERVERPROPERTY('EngineEdition') 3 = Enterprise/Developer/Evaluation, 5 and 8 = Azure);
  - an index or statistic left alone under the thresholds; a database offline or read-only;
  - every command not started once @TimeLimit has passed;
  - backup files left to crmdb when xp_delete_file is not allowed.
The decision table is mirrored in C# (runner/Maintenance/MaintenanceDecisions.cs) for
crmdb maintenance plan and the tests; docs/maintenance.md says why T-SQL decides.

Parameters
    @Slot              varchar(10)   hourly, nightly, weekly or monthly. Required.
    @Databases         nvarchar(max) 'CRM' (this database), 'GESCOM' (the GesCom database of each
                                     active integration on this instance), 'ALL' (both,
                                     default), or a comma list of database names.
    @TimeLimit         int = NULL    seconds after which no new command starts (NULL: none).
    @FullBackupWeekday tinyint = 7   the day the weekly slot runs (1 Monday .. 7 Sunday): the
                                     nightly differential is skipped that night.
    @Execute           char(1) = 'Y' 'N': print and journal every command as NotExecuted.
    @Help              bit = 0       1: print this usage, run nothing.
    @RunID             uniqueidentifier OUTPUT  the run's value in dbo.MC_MaintenanceLog.RunID.

Return codes
    0  every command succeeded, was skipped with its reason, or was not executed (@Execute = 'N')
    1  a command failed: see the summary and dbo.MC_MaintenanceLog
    2  invalid parameters: nothing ran (every problem is raised together, severity 16)

Rights: a DBA (sysadmin) or the SQL Agent / Task Scheduler account; neither MC_integrator nor
MC_support may run it (nothing is granted). Call it outside a transaction: BACKUP, RESTORE and
DBCC refuse one (a dry run, @Execute = 'N', may run inside one: it runs no command).

Example
    EXEC dbo.MC_maintenance @Slot = 'nightly', @Databases = N'ALL', @Execute = 'N';

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_maintenance
    @Slot              varchar(10)      = NULL,
    @Databases         nvarchar(max)    = N'ALL',
    @TimeLimit         int              = NULL,
    @FullBackupWeekday tinyint          = 7,
    @Execute           char(1)          = 'Y',
    @Help              bit              = 0,
    @RunID             uniqueidentifier = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    SET @RunID = NULL;

    DECLARE @Version nvarchar(20) = N'1.0.0';
    DECLARE @NewLine nchar(1) = NCHAR(10);
    DECLARE @Text nvarchar(max);

    IF @Help = 1
    BEGIN
        SET @Text = CONCAT(
            N'MC_maintenance ', @Version, N' : exécute un créneau du plan de maintenance (dbo.MC_MaintenancePlan).', @NewLine,
            N'Chaque commande est affichée et journalisée dans dbo.MC_MaintenanceLog ; chaque décision (tâche désactivée, sauvegarde', @NewLine,
            N'du journal d''une base SIMPLE, différentielle sans base, seuils non atteints...) est journalisée avec sa raison.', @NewLine,
            @NewLine,
            N'EXEC dbo.MC_maintenance', @NewLine,
            N'    @Slot              = ''nightly'',  -- obligatoire : hourly, nightly, weekly ou monthly', @NewLine,
            N'    @Databases         = N''ALL'',     -- CRM, GESCOM, ALL (défaut) ou une liste de bases séparées par des virgules', @NewLine,
            N'    @TimeLimit         = NULL,       -- secondes après lesquelles aucune nouvelle commande ne démarre', @NewLine,
            N'    @FullBackupWeekday = 7,          -- jour du créneau weekly (1 lundi .. 7 dimanche) : pas de différentielle ce soir-là', @NewLine,
            N'    @Execute           = ''Y'';        -- ''N'' : affiche et journalise sans exécuter', @NewLine,
            @NewLine,
            N'Codes retour : 0 tout a réussi (ou a été ignoré avec sa raison) ; 1 une commande a échoué ; 2 paramètres invalides.', @NewLine,
            N'Plan : SELECT * FROM dbo.MC_MaintenancePlan; journal : dbo.MC_MaintenanceLog. Planification : crmdb maintenance schedule.');
        EXEC dbo.MC_print @Message = @Text;
        RETURN 0;
    END;

    ---------------------------------------------------------------------------------------------
    -- Parameters: every problem is collected, then all are raised together; nothing runs.
    ---------------------------------------------------------------------------------------------
    DECLARE @Errors TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, Message nvarchar(2000) NOT NULL);
    DECLARE @Db TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, DatabaseName sysname NOT NULL UNIQUE, Origin nvarchar(40) NOT NULL);
    DECLARE @Tokens TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, Token nvarchar(400) NOT NULL);
    DECLARE @GesCom TABLE (ErpIntegrationID int NOT NULL, GesComServer nvarchar(128) NOT NULL, GesComDatabase nvarchar(128) NOT NULL, IsLocal bit NOT NULL);
    DECLARE @Notes TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, Message nvarchar(2000) NOT NULL);
    DECLARE @ThisServer nvarchar(128) = CONVERT(nvarchar(128), SERVERPROPERTY('ServerName'));

    IF @Slot IS NULL OR @Slot NOT IN ('hourly', 'nightly', 'weekly', 'monthly')
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@Slot = ', ISNULL(N'''' + @Slot + N'''', N'NULL'), N' : valeurs admises hourly, nightly, weekly ou monthly.'));

    IF @Execute IS NULL OR @Execute NOT IN ('Y', 'N')
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@Execute = ', ISNULL(N'''' + @Execute + N'''', N'NULL'), N' : valeurs admises ''Y'' (exécuter) ou ''N'' (afficher et journaliser sans exécuter).'));

    IF @TimeLimit < 0
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@TimeLimit = ', @TimeLimit, N' : un nombre de secondes positif, ou NULL (pas de limite).'));

    IF @FullBackupWeekday IS NULL OR @FullBackupWeekday NOT BETWEEN 1 AND 7
        INSERT @Errors (Message)
        VALUES (CONCAT(N'@FullBackupWeekday = ', ISNULL(CONVERT(nvarchar(10), @FullBackupWeekday), N'NULL'), N' : de 1 (lundi) à 7 (dimanche), le jour du créneau weekly.'));

    -- BACKUP, RESTORE and DBCC refuse a transaction; a dry run (@Execute = 'N') runs none of them.
    IF @@TRANCOUNT > 0 AND @Execute = 'Y'
        INSERT @Errors (Message)
        VALUES (N'Appel dans une transaction ouverte : BACKUP, RESTORE et DBCC ne s''exécutent pas dans une transaction. Validez ou annulez-la d''abord.');

    IF @Databases IS NULL OR LTRIM(RTRIM(@Databases)) = N''
        INSERT @Errors (Message)
        VALUES (N'@Databases est vide : CRM, GESCOM, ALL ou une liste de bases séparées par des virgules.');
    ELSE
    BEGIN
        INSERT @Tokens (Token)
        SELECT LTRIM(RTRIM(s.value)) FROM STRING_SPLIT(@Databases, N',') AS s;
        DELETE FROM @Tokens WHERE Token = N'';

        -- The GesCom databases of the active integrations, and whether each is on this instance.
        INSERT @GesCom (ErpIntegrationID, GesComServer, GesComDatabase, IsLocal)
        SELECT i.ErpIntegrationID, LTRIM(RTRIM(i.GesComServer)), LTRIM(RTRIM(i.GesComDatabase)),
               CASE WHEN LTRIM(RTRIM(i.GesComServer)) IN (N'', N'.', N'(local)', N'localhost', @@SERVERNAME, @ThisServer) THEN 1 ELSE 0 END
        FROM dbo.MC_Integration AS i
        WHERE i.IsActive = 1;

        IF EXISTS (SELECT 1 FROM @Tokens AS t WHERE t.Token IN (N'CRM', N'ALL'))
            INSERT @Db (DatabaseName, Origin) VALUES (DB_NAME(), N'CRM');

        IF EXISTS (SELECT 1 FROM @Tokens AS t WHERE t.Token IN (N'GESCOM', N'ALL'))
        BEGIN
            INSERT @Db (DatabaseName, Origin)
            SELECT DISTINCT g.GesComDatabase, N'GesCom'
            FROM @GesCom AS g
            JOIN sys.databases AS d ON d.name = g.GesComDatabase
            WHERE g.IsLocal = 1 AND NOT EXISTS (SELECT 1 FROM @Db AS x WHERE x.DatabaseName = g.GesComDatabase);

            INSERT @Notes (Message)
            SELECT CONCAT(N'Intégration ', g.ErpIntegrationID, N' : la base GesCom ', QUOTENAME(g.GesComDatabase), N' est sur le serveur ',
                QUOTENAME(g.GesComServer), N', pas sur cette instance : sa maintenance se planifie sur ce serveur-là.')
            FROM @GesCom AS g
            WHERE g.IsLocal = 0;

            INSERT @Notes (Message)
            SELECT CONCAT(N'Intégration ', g.ErpIntegrationID, N' : la base GesCom ', QUOTENAME(g.GesComDatabase),
                N' n''existe pas sur cette instance : vérifiez l''intégration (crmdb integration list).')
            FROM @GesCom AS g
            WHERE g.IsLocal = 1 AND NOT EXISTS (SELECT 1 FROM sys.databases AS d WHERE d.name = g.GesComDatabase);
        END;

        INSERT @Errors (Message)
        SELECT CONCAT(N'@Databases : la base ', QUOTENAME(t.Token), N' n''existe pas sur cette instance (valeurs admises : CRM, GESCOM, ALL ou des noms de bases de sys.databases).')
        FROM @Tokens AS t
        WHERE t.Token NOT IN (N'CRM', N'GESCOM', N'ALL')
          AND NOT EXISTS (SELECT 1 FROM sys.databases AS d WHERE d.name = t.Token);

        INSERT @Db (DatabaseName, Origin)
        SELECT DISTINCT t.Token, N'liste'
        FROM @Tokens AS t
        WHERE t.Token NOT IN (N'CRM', N'GESCOM', N'ALL')
          AND EXISTS (SELECT 1 FROM sys.databases AS d WHERE d.name = t.Token)
          AND NOT EXISTS (SELECT 1 FROM @Db AS x WHERE x.DatabaseName = t.Token);

        IF NOT EXISTS (SELECT 1 FROM @Db) AND NOT EXISTS (SELECT 1 FROM @Errors)
            INSERT @Errors (Message)
            VALUES (CONCAT(N'@Databases = N''', @Databases, N''' ne désigne aucune base de cette instance (GESCOM : aucune intégration active dont la base GesCom est ici).'));
    END;

    IF EXISTS (SELECT 1 FROM @Errors)
    BEGIN
        SET @Text = (SELECT STRING_AGG(CONVERT(nvarchar(max), e.Message), @NewLine) WITHIN GROUP (ORDER BY e.ID) FROM @Errors AS e);
        EXEC dbo.MC_raiseparametererrors @Procedure = N'MC_maintenance', @Errors = @Text;
        RETURN 2;
    END;

    ---------------------------------------------------------------------------------------------
    -- Run header: server, version, edition, databases, and the EXEC line that runs it again.
    ---------------------------------------------------------------------------------------------
    SET @RunID = NEWID();
    DECLARE @RunStart datetime2(3) = SYSDATETIME();
    DECLARE @EngineEdition int = CONVERT(int, SERVERPROPERTY('EngineEdition'));
    DECLARE @Edition nvarchar(128) = CONVERT(nvarchar(128), SERVERPROPERTY('Edition'));
    -- Online index operations: Enterprise, Developer and Evaluation (EngineEdition 3), Azure SQL
    -- Database (5) and Managed Instance (8) ("Editions and supported features of SQL Server").
    DECLARE @OnlineRebuild bit = CASE WHEN @EngineEdition IN (3, 5, 8) THEN 1 ELSE 0 END;
    -- ISO weekday whatever SET DATEFIRST says: 1 Monday .. 7 Sunday.
    DECLARE @Weekday tinyint = (DATEPART(WEEKDAY, @RunStart) + @@DATEFIRST - 2) % 7 + 1;
    DECLARE @DatabaseList nvarchar(max) = (SELECT STRING_AGG(CONVERT(nvarchar(max), QUOTENAME(d.DatabaseName) + N' (' + d.Origin + N')'), N', ') WITHIN GROUP (ORDER BY d.ID) FROM @Db AS d);
    DECLARE @ExecLine nvarchar(max) = CONCAT(N'EXEC ', QUOTENAME(DB_NAME()), N'.dbo.MC_maintenance @Slot = ''', @Slot, N''', @Databases = N''',
        REPLACE(@Databases, N'''', N''''''), N''', @TimeLimit = ', ISNULL(CONVERT(nvarchar(12), @TimeLimit), N'NULL'),
        N', @FullBackupWeekday = ', @FullBackupWeekday, N', @Execute = ''', @Execute, N''';');

    SET @Text = CONCAT(
        N'MC_maintenance ', @Version, N' : créneau ', @Slot, CASE WHEN @Execute = 'N' THEN N' (non exécuté : @Execute = ''N'')' ELSE N'' END, @NewLine,
        N'Serveur : ', @@SERVERNAME, N' ; version : ', CONVERT(nvarchar(128), SERVERPROPERTY('ProductVersion')), N' ; édition : ', @Edition,
        N' (EngineEdition ', @EngineEdition, N', reconstruction d''index en ligne : ', CASE WHEN @OnlineRebuild = 1 THEN N'oui' ELSE N'non' END, N')', @NewLine,
        N'Bases : ', @DatabaseList, @NewLine,
        N'Début : ', CONVERT(nvarchar(23), @RunStart, 121), N' ; jour ', @Weekday, N' (1 lundi .. 7 dimanche) ; RunID ', CONVERT(nvarchar(36), @RunID), @NewLine,
        N'Pour relancer : ', @ExecLine);
    EXEC dbo.MC_print @Message = @Text;

    SET @Text = (SELECT STRING_AGG(CONVERT(nvarchar(max), n.Message), @NewLine) WITHIN GROUP (ORDER BY n.ID) FROM @Notes AS n);
    EXEC dbo.MC_print @Message = @Text;

    ---------------------------------------------------------------------------------------------
    -- The slot's rows, each for each database (CLEANUP once per run).
    ---------------------------------------------------------------------------------------------
    DECLARE @Rows TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, Task varchar(40) NOT NULL, IsEnabled bit NOT NULL,
        FragmentationLow tinyint NOT NULL, FragmentationHigh tinyint NOT NULL, MinPageCount int NOT NULL,
        RetentionDays int NOT NULL, BackupDirectory nvarchar(260) NULL, AllowXpDeleteFile bit NOT NULL);
    INSERT @Rows (Task, IsEnabled, FragmentationLow, FragmentationHigh, MinPageCount, RetentionDays, BackupDirectory, AllowXpDeleteFile)
    SELECT p.Task, p.IsEnabled, ISNULL(p.FragmentationLow, 5), ISNULL(p.FragmentationHigh, 30), ISNULL(p.MinPageCount, 1000),
           ISNULL(p.RetentionDays, 30), p.BackupDirectory, p.AllowXpDeleteFile
    FROM dbo.MC_MaintenancePlan AS p
    WHERE p.Slot = @Slot
    ORDER BY p.RunOrder, p.Task;

    DECLARE @FullTonight bit = CASE WHEN @Weekday = @FullBackupWeekday
        AND EXISTS (SELECT 1 FROM dbo.MC_MaintenancePlan AS p WHERE p.Task = 'BACKUP_FULL' AND p.Slot = 'weekly' AND p.IsEnabled = 1) THEN 1 ELSE 0 END;

    IF NOT EXISTS (SELECT 1 FROM @Rows)
    BEGIN
        SET @Text = CONCAT(N'Aucune tâche dans le créneau ', @Slot, N' de dbo.MC_MaintenancePlan : rien à faire.');
        EXEC dbo.MC_maintenanceexecute @Task = 'PLAN', @Slot = @Slot, @RunID = @RunID, @Message = @Text, @Skip = 1;
    END;

    -- Character columns in the database's collation, not tempdb's (the server's may differ).
    CREATE TABLE #Work (ID int IDENTITY(1, 1) PRIMARY KEY, Command nvarchar(max) COLLATE DATABASE_DEFAULT NOT NULL,
        Task varchar(40) COLLATE DATABASE_DEFAULT NOT NULL, Message nvarchar(4000) COLLATE DATABASE_DEFAULT NULL, Skip bit NOT NULL);
    CREATE TABLE #Indexes (SchemaName sysname COLLATE DATABASE_DEFAULT NOT NULL, TableName sysname COLLATE DATABASE_DEFAULT NOT NULL,
        IndexName sysname COLLATE DATABASE_DEFAULT NOT NULL, IndexType tinyint NOT NULL,
        AllowPageLocks bit NOT NULL, Fragmentation float NOT NULL, PageCount bigint NOT NULL);
    CREATE TABLE #Statistics (SchemaName sysname COLLATE DATABASE_DEFAULT NOT NULL, TableName sysname COLLATE DATABASE_DEFAULT NOT NULL,
        StatisticName sysname COLLATE DATABASE_DEFAULT NOT NULL, ModificationCounter bigint NOT NULL);

    DECLARE @RowID int = 0;
    DECLARE @DbID int;
    DECLARE @Task varchar(40);
    DECLARE @IsEnabled bit;
    DECLARE @FragmentationLow tinyint;
    DECLARE @FragmentationHigh tinyint;
    DECLARE @MinPageCount int;
    DECLARE @RetentionDays int;
    DECLARE @BackupDirectory nvarchar(260);
    DECLARE @AllowXpDeleteFile bit;
    DECLARE @DatabaseName sysname;
    DECLARE @StateDesc nvarchar(60);
    DECLARE @IsReadOnly bit;
    DECLARE @RecoveryModel nvarchar(60);
    DECLARE @HasDifferentialBase bit;
    DECLARE @Result int;
    DECLARE @Failures int = 0;
    DECLARE @Message nvarchar(4000);
    DECLARE @Command nvarchar(max);
    DECLARE @InDatabase nvarchar(400);
    DECLARE @Discovery nvarchar(max);
    DECLARE @WorkID int;
    DECLARE @Skip bit;
    DECLARE @TimeLimitMessage nvarchar(400) = CONCAT(N'Limite de temps atteinte (@TimeLimit = ', @TimeLimit, N' s) : commande non démarrée.');
    DECLARE @Qualified nvarchar(800);
    DECLARE @Cutoff datetime2(0);
    DECLARE @FileCutoff datetime2(0);
    DECLARE @Extension nvarchar(3);
    DECLARE @BackupType varchar(4);
    DECLARE @BackupTargets TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, BackupType varchar(4) NOT NULL, DatabaseName sysname NOT NULL);

    WHILE 1 = 1
    BEGIN
        SELECT TOP (1) @RowID = r.ID, @Task = r.Task, @IsEnabled = r.IsEnabled, @FragmentationLow = r.FragmentationLow,
               @FragmentationHigh = r.FragmentationHigh, @MinPageCount = r.MinPageCount, @RetentionDays = r.RetentionDays,
               @BackupDirectory = r.BackupDirectory, @AllowXpDeleteFile = r.AllowXpDeleteFile
        FROM @Rows AS r WHERE r.ID > @RowID ORDER BY r.ID;
        IF @@ROWCOUNT = 0
            BREAK;

        -- CLEANUP works on the instance's history, this database's journal and the backup folder: once per run.
        IF @Task = 'CLEANUP'
        BEGIN
            IF @IsEnabled = 0
            BEGIN
                EXEC dbo.MC_maintenanceexecute @Task = 'CLEANUP', @Slot = @Slot, @RunID = @RunID,
                    @Message = N'Tâche désactivée dans dbo.MC_MaintenancePlan (IsEnabled = 0).', @Skip = 1;
                CONTINUE;
            END;

            SET @Cutoff = DATEADD(DAY, -@RetentionDays, @RunStart);
            TRUNCATE TABLE #Work;
            INSERT #Work (Task, Command, Message, Skip)
            VALUES ('CLEANUP_HISTORY', CONCAT(N'EXECUTE msdb.dbo.sp_delete_backuphistory @oldest_date = ''', CONVERT(nvarchar(19), @Cutoff, 126), N''';'),
                    CONCAT(N'Historique des sauvegardes de msdb (toutes les bases de l''instance) antérieur à ', @RetentionDays, N' jours.'), 0),
                   ('CLEANUP_LOG', CONCAT(N'DELETE FROM ', QUOTENAME(DB_NAME()), N'.dbo.MC_MaintenanceLog WHERE StartTime < ''', CONVERT(nvarchar(19), @Cutoff, 126), N''';'),
                    CONCAT(N'Journal de maintenance antérieur à ', @RetentionDays, N' jours.'), 0);

            -- Backup files: never the newest full of a database nor what a later differential or log
            -- needs, so nothing from the day before the oldest differential base on. Every database of
            -- the instance counts, not only the run's: the folder may hold the others' backups too.
            SELECT @FileCutoff = MIN(CONVERT(datetime2(0), DATEADD(DAY, -1, mf.differential_base_time)))
            FROM sys.master_files AS mf
            WHERE mf.file_id = 1;
            SET @FileCutoff = CASE WHEN @FileCutoff IS NULL OR @FileCutoff > @Cutoff THEN @Cutoff ELSE @FileCutoff END;
            SET @BackupDirectory = ISNULL(@BackupDirectory, CONVERT(nvarchar(260), SERVERPROPERTY('InstanceDefaultBackupPath')));

            IF @AllowXpDeleteFile = 0
                INSERT #Work (Task, Command, Message, Skip)
                VALUES ('CLEANUP_FILES', N'', N'Fichiers de sauvegarde : laissés à crmdb maintenance run, qui les supprime lui-même s''il atteint le dossier (AllowXpDeleteFile = 0 : xp_delete_file, non documentée, n''est pas autorisée).', 1);
            ELSE IF IS_SRVROLEMEMBER(N'sysadmin') = 0
                INSERT #Work (Task, Command, Message, Skip)
                VALUES ('CLEANUP_FILES', N'', N'Fichiers de sauvegarde : xp_delete_file exige sysadmin, que ce compte n''a pas ; rien n''est supprimé.', 1);
            ELSE IF @BackupDirectory IS NULL
                INSERT #Work (Task, Command, Message, Skip)
                VALUES ('CLEANUP_FILES', N'', N'Fichiers de sauvegarde : aucun dossier connu (BackupDirectory NULL et pas de dossier par défaut de l''instance).', 1);
            ELSE
            BEGIN
                -- xp_delete_file is undocumented (sysadmin only): the DBA allowed it (AllowXpDeleteFile = 1).
                SET @Extension = N'bak';
                WHILE @Extension IS NOT NULL
                BEGIN
                    INSERT #Work (Task, Command, Message, Skip)
                    VALUES ('CLEANUP_FILES',
                        CONCAT(N'EXECUTE master.sys.xp_delete_file 0, N''', REPLACE(@BackupDirectory, N'''', N''''''), N''', N''', @Extension, N''', N''',
                            CONVERT(nvarchar(19), @FileCutoff, 126), N''', 1;'),
                        CONCAT(N'Fichiers .', @Extension, N' antérieurs au ', CONVERT(nvarchar(19), @FileCutoff, 126),
                            N' (jamais la dernière complète ni ce qu''une différentielle ou un journal postérieurs utilisent) ; xp_delete_file n''est pas documentée.'), 0);
                    SET @Extension = CASE @Extension WHEN N'bak' THEN N'dif' WHEN N'dif' THEN N'trn' END;
                END;
            END;

            SET @WorkID = 0;
            WHILE 1 = 1
            BEGIN
                SELECT TOP (1) @WorkID = w.ID, @Command = NULLIF(w.Command, N''), @Message = w.Message, @Skip = w.Skip, @Task = w.Task
                FROM #Work AS w WHERE w.ID > @WorkID ORDER BY w.ID;
                IF @@ROWCOUNT = 0
                    BREAK;
                IF @TimeLimit IS NOT NULL AND DATEDIFF(SECOND, @RunStart, SYSDATETIME()) >= @TimeLimit
                    SELECT @Skip = 1, @Message = @TimeLimitMessage;
                EXEC @Result = dbo.MC_maintenanceexecute @DatabaseName = NULL, @Task = @Task, @Command = @Command, @Slot = @Slot,
                    @RunID = @RunID, @Message = @Message, @Skip = @Skip, @Execute = @Execute;
                IF @Result <> 0
                    SET @Failures += 1;
            END;
            CONTINUE;
        END;

        SET @DbID = 0;
        WHILE 1 = 1
        BEGIN
            SELECT TOP (1) @DbID = d.ID, @DatabaseName = d.DatabaseName FROM @Db AS d WHERE d.ID > @DbID ORDER BY d.ID;
            IF @@ROWCOUNT = 0
                BREAK;

            -- Reset first: a database this login cannot see must not inherit the previous one's facts.
            SELECT @StateDesc = NULL, @IsReadOnly = 0, @RecoveryModel = NULL, @HasDifferentialBase = 0;
            SELECT @StateDesc = d.state_desc, @IsReadOnly = d.is_read_only, @RecoveryModel = d.recovery_model_desc
            FROM sys.databases AS d WHERE d.name = @DatabaseName;
            -- The base of the next differential, from the engine (the primary data file), not from msdb history.
            SELECT @HasDifferentialBase = CASE WHEN mf.differential_base_lsn IS NOT NULL AND mf.differential_base_guid IS NOT NULL THEN 1 ELSE 0 END
            FROM sys.master_files AS mf
            WHERE mf.database_id = DB_ID(@DatabaseName) AND mf.file_id = 1;

            SET @Skip = 0;
            SET @Message = NULL;
            IF @IsEnabled = 0
                SELECT @Skip = 1, @Message = CASE WHEN @Task = 'SHRINK'
                    THEN N'Tâche désactivée dans dbo.MC_MaintenancePlan (IsEnabled = 0) : le guide déconseille de réduire la base, qui fragmente ses index.'
                    ELSE N'Tâche désactivée dans dbo.MC_MaintenancePlan (IsEnabled = 0).' END;
            ELSE IF @StateDesc IS NULL
                SELECT @Skip = 1, @Message = N'Base invisible pour ce compte dans sys.databases (droit VIEW ANY DATABASE ?) : rien n''est fait.';
            ELSE IF @StateDesc <> N'ONLINE'
                SELECT @Skip = 1, @Message = CONCAT(N'Base dans l''état ', @StateDesc, N' : rien n''est fait.');
            ELSE IF @IsReadOnly = 1 AND @Task IN ('SHRINK', 'INDEX_REORGANIZE', 'INDEX_REBUILD', 'STATISTICS')
                SELECT @Skip = 1, @Message = N'Base en lecture seule : index, statistiques et réduction ne s''appliquent pas.';
            ELSE IF @TimeLimit IS NOT NULL AND DATEDIFF(SECOND, @RunStart, SYSDATETIME()) >= @TimeLimit
                SELECT @Skip = 1, @Message = @TimeLimitMessage;

            IF @Skip = 1
            BEGIN
                EXEC dbo.MC_maintenanceexecute @DatabaseName = @DatabaseName, @Task = @Task, @Slot = @Slot, @RunID = @RunID, @Message = @Message, @Skip = 1;
                CONTINUE;
            END;

            IF @Task = 'CHECKDB'
            BEGIN
                SET @Command = CONCAT(N'DBCC CHECKDB (', QUOTENAME(@DatabaseName), N') WITH NO_INFOMSGS, ALL_ERRORMSGS;');
                EXEC @Result = dbo.MC_maintenanceexecute @DatabaseName = @DatabaseName, @Task = @Task, @Command = @Command, @Slot = @Slot,
                    @RunID = @RunID, @Execute = @Execute;
                IF @Result <> 0
                    SET @Failures += 1;
            END
            ELSE IF @Task = 'SHRINK'
            BEGIN
                SET @Command = CONCAT(N'DBCC SHRINKDATABASE (', QUOTENAME(@DatabaseName), N') WITH NO_INFOMSGS;');
                EXEC @Result = dbo.MC_maintenanceexecute @DatabaseName = @DatabaseName, @Task = @Task, @Command = @Command, @Slot = @Slot,
                    @RunID = @RunID, @Execute = @Execute,
                    @Message = N'Attention (guide) : réduire la base fragmente ses index ; la prochaine reconstruction la fera grossir à nouveau.';
                IF @Result <> 0
                    SET @Failures += 1;
            END
            ELSE IF @Task IN ('INDEX_REORGANIZE', 'INDEX_REBUILD', 'STATISTICS')
            BEGIN
                TRUNCATE TABLE #Work;
                TRUNCATE TABLE #Indexes;
                TRUNCATE TABLE #Statistics;
                -- Discovery runs inside the database (its sys.sp_executesql) so that its catalog views answer.
                SET @InDatabase = QUOTENAME(@DatabaseName) + N'.sys.sp_executesql';
                SET @Qualified = QUOTENAME(@DatabaseName) + N'.';

                IF @Task = 'STATISTICS'
                BEGIN
                    -- sys.dm_db_stats_properties: modification_counter = changes to the leading column since the last update.
                    SET @Discovery = N'SELECT s.name, o.name, st.name, sp.modification_counter
FROM sys.stats AS st
JOIN sys.objects AS o ON o.object_id = st.object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
CROSS APPLY sys.dm_db_stats_properties(st.object_id, st.stats_id) AS sp
WHERE o.is_ms_shipped = 0 AND o.type IN (''U'', ''V'') AND sp.modification_counter > 0;';
                    INSERT #Statistics (SchemaName, TableName, StatisticName, ModificationCounter)
                    EXEC @InDatabase @Discovery;

                    INSERT #Work (Task, Command, Message, Skip)
                    SELECT 'STATISTICS',
                        CONCAT(N'UPDATE STATISTICS ', @Qualified, QUOTENAME(x.SchemaName), N'.', QUOTENAME(x.TableName), N' (', QUOTENAME(x.StatisticName), N');'),
                        CONCAT(x.ModificationCounter, N' modification(s) depuis la dernière mise à jour.'), 0
                    FROM #Statistics AS x
                    ORDER BY x.SchemaName, x.TableName, x.StatisticName;

                    IF NOT EXISTS (SELECT 1 FROM #Work)
                        INSERT #Work (Task, Command, Message, Skip)
                        VALUES ('STATISTICS', N'', N'Aucune statistique dont les lignes ont changé depuis sa dernière mise à jour : rien à faire.', 1);
                END
                ELSE
                BEGIN
                    -- LIMITED: the fastest mode, it reads only the pages above the leaf level
                    -- (sys.dm_db_index_physical_stats); partitions are summed per index.
                    SET @Discovery = N'SELECT s.name, o.name, i.name, i.type, i.allow_page_locks, MAX(ps.avg_fragmentation_in_percent), SUM(ps.page_count)
FROM sys.dm_db_index_physical_stats(DB_ID(), NULL, NULL, NULL, ''LIMITED'') AS ps
JOIN sys.indexes AS i ON i.object_id = ps.object_id AND i.index_id = ps.index_id
JOIN sys.objects AS o ON o.object_id = i.object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
WHERE ps.index_id > 0 AND ps.alloc_unit_type_desc = N''IN_ROW_DATA'' AND i.is_disabled = 0 AND i.is_hypothetical = 0
  AND o.is_ms_shipped = 0 AND o.type IN (''U'', ''V'')
GROUP BY s.name, o.name, i.name, i.type, i.allow_page_locks
HAVING SUM(ps.page_count) >= @MinPageCount AND MAX(ps.avg_fragmentation_in_percent) >= @FragmentationLow;';
                    INSERT #Indexes (SchemaName, TableName, IndexName, IndexType, AllowPageLocks, Fragmentation, PageCount)
                    EXEC @InDatabase @Discovery, N'@MinPageCount int, @FragmentationLow tinyint', @MinPageCount, @FragmentationLow;

                    -- The decision table (mirrored in MaintenanceDecisions.IndexAction): the weekly row rebuilds
                    -- from FragmentationHigh and reorganises below it; the nightly row only reorganises.
                    INSERT #Work (Task, Command, Message, Skip)
                    SELECT CASE WHEN a.Rebuild = 1 THEN 'INDEX_REBUILD' ELSE 'INDEX_REORGANIZE' END,
                        CASE WHEN a.Rebuild = 0 AND x.AllowPageLocks = 0 THEN N''
                             ELSE CONCAT(N'ALTER INDEX ', QUOTENAME(x.IndexName), N' ON ', @Qualified, QUOTENAME(x.SchemaName), N'.', QUOTENAME(x.TableName),
                                CASE WHEN a.Rebuild = 0 THEN N' REORGANIZE;'
                                     WHEN @OnlineRebuild = 1 AND x.IndexType IN (1, 2) THEN N' REBUILD WITH (ONLINE = ON);'
                                     ELSE N' REBUILD;' END) END,
                        CONCAT(N'Fragmentation ', CONVERT(decimal(5, 1), x.Fragmentation), N' %, ', x.PageCount, N' pages',
                            CASE WHEN a.Rebuild = 0 AND x.AllowPageLocks = 0 THEN N' : réorganisation impossible (ALLOW_PAGE_LOCKS = OFF), l''index attend la reconstruction hebdomadaire.'
                                 WHEN a.Rebuild = 1 AND @OnlineRebuild = 0 THEN CONCAT(N' ; reconstruction hors ligne : l''édition ', @Edition, N' n''a pas la reconstruction en ligne.')
                                 WHEN a.Rebuild = 1 AND x.IndexType NOT IN (1, 2) THEN N' ; reconstruction hors ligne : ce type d''index ne se reconstruit pas en ligne.'
                                 ELSE N'.' END),
                        CASE WHEN a.Rebuild = 0 AND x.AllowPageLocks = 0 THEN 1 ELSE 0 END
                    FROM #Indexes AS x
                    CROSS APPLY (SELECT CASE WHEN @Task = 'INDEX_REBUILD' AND x.Fragmentation >= @FragmentationHigh THEN 1 ELSE 0 END AS Rebuild) AS a
                    ORDER BY x.SchemaName, x.TableName, x.IndexName;

                    IF NOT EXISTS (SELECT 1 FROM #Work)
                        INSERT #Work (Task, Command, Message, Skip)
                        VALUES (@Task, N'', CONCAT(N'Aucun index d''au moins ', @MinPageCount, N' pages fragmenté à ', @FragmentationLow, N' % ou plus : rien à faire.'), 1);
                END;

                SET @WorkID = 0;
                WHILE 1 = 1
                BEGIN
                    SELECT TOP (1) @WorkID = w.ID, @Command = NULLIF(w.Command, N''), @Message = w.Message, @Skip = w.Skip, @Task = w.Task
                    FROM #Work AS w WHERE w.ID > @WorkID ORDER BY w.ID;
                    IF @@ROWCOUNT = 0
                        BREAK;
                    IF @Skip = 0 AND @TimeLimit IS NOT NULL AND DATEDIFF(SECOND, @RunStart, SYSDATETIME()) >= @TimeLimit
                        SELECT @Skip = 1, @Message = @TimeLimitMessage;
                    EXEC @Result = dbo.MC_maintenanceexecute @DatabaseName = @DatabaseName, @Task = @Task, @Command = @Command, @Slot = @Slot,
                        @RunID = @RunID, @Message = @Message, @Skip = @Skip, @Execute = @Execute;
                    IF @Result <> 0
                        SET @Failures += 1;
                END;
                -- The row's task, for the next database (the loop above reused @Task).
                SELECT @Task = r.Task FROM @Rows AS r WHERE r.ID = @RowID;
            END
            ELSE IF @Task IN ('BACKUP_FULL', 'BACKUP_DIFF', 'BACKUP_LOG')
            BEGIN
                -- The decision table (mirrored in MaintenanceDecisions.Backup).
                SET @BackupType = CASE @Task WHEN 'BACKUP_FULL' THEN 'FULL' WHEN 'BACKUP_DIFF' THEN 'DIFF' ELSE 'LOG' END;
                SET @Message = NULL;
                IF @Task = 'BACKUP_LOG' AND @RecoveryModel = N'SIMPLE'
                    SET @Message = N'Modèle de récupération SIMPLE (celui du guide) : une sauvegarde du journal est impossible ; la différentielle de la nuit et la complète de la semaine protègent la base.';
                ELSE IF @Task = 'BACKUP_LOG' AND @HasDifferentialBase = 0
                    SET @Message = N'Aucune sauvegarde complète encore : la chaîne des journaux commence par une complète (créneau weekly, ou crmdb backup).';
                ELSE IF @Task = 'BACKUP_DIFF' AND @FullTonight = 1
                    SET @Message = N'Nuit de la sauvegarde complète (@FullBackupWeekday) : pas de différentielle ce soir.';

                IF @Message IS NOT NULL
                BEGIN
                    EXEC dbo.MC_maintenanceexecute @DatabaseName = @DatabaseName, @Task = @Task, @Slot = @Slot, @RunID = @RunID, @Message = @Message, @Skip = 1;
                    CONTINUE;
                END;

                IF @Task = 'BACKUP_DIFF' AND @HasDifferentialBase = 0
                BEGIN
                    EXEC dbo.MC_maintenanceexecute @DatabaseName = @DatabaseName, @Task = @Task, @Slot = @Slot, @RunID = @RunID, @Skip = 1,
                        @Message = N'Pas de base valide pour une différentielle (sys.master_files.differential_base_lsn NULL) : une sauvegarde complète est prise à la place.';
                    SET @BackupType = 'FULL';
                END;

                INSERT @BackupTargets (BackupType, DatabaseName) VALUES (@BackupType, @DatabaseName);
            END;
        END;

        -- One dbo.MC_backup call per backup type for the row's databases, so that the CRM and its
        -- GesCom taken together are one pair (one label), as the guide wants them.
        WHILE EXISTS (SELECT 1 FROM @BackupTargets)
        BEGIN
            SELECT TOP (1) @BackupType = b.BackupType FROM @BackupTargets AS b ORDER BY b.BackupType;
            SET @Text = (SELECT STRING_AGG(CONVERT(nvarchar(max), b.DatabaseName), N',') WITHIN GROUP (ORDER BY b.ID)
                         FROM @BackupTargets AS b WHERE b.BackupType = @BackupType);
            DELETE FROM @BackupTargets WHERE BackupType = @BackupType;
            BEGIN TRY
                EXEC @Result = dbo.MC_backup @Type = @BackupType, @CopyOnly = 0, @Directory = @BackupDirectory, @Databases = @Text,
                    @Execute = @Execute, @RunID = @RunID, @Slot = @Slot;
            END TRY
            BEGIN CATCH
                SET @Result = ERROR_NUMBER();
                SET @Text = CONCAT(N'Échec de dbo.MC_backup ', @BackupType, N' sur ', @Text, N' : erreur ', ERROR_NUMBER(), N', ', ERROR_MESSAGE());
                EXEC dbo.MC_print @Message = @Text;
            END CATCH;
            IF @Result <> 0
                SET @Failures += 1;
        END;
    END;

    ---------------------------------------------------------------------------------------------
    -- Summary: what ran, what was decided, what failed and how to rerun.
    ---------------------------------------------------------------------------------------------
    SELECT @Text = CONCAT(N'MC_maintenance : créneau ', @Slot, N' terminé en ', DATEDIFF(SECOND, @RunStart, SYSDATETIME()), N' s : ',
        SUM(CASE WHEN l.Outcome = 'Succeeded' THEN 1 ELSE 0 END), N' réussie(s), ',
        SUM(CASE WHEN l.Outcome = 'Failed' THEN 1 ELSE 0 END), N' en échec, ',
        SUM(CASE WHEN l.Outcome = 'Skipped' THEN 1 ELSE 0 END), N' ignorée(s) avec leur raison, ',
        SUM(CASE WHEN l.Outcome = 'NotExecuted' THEN 1 ELSE 0 END), N' non exécutée(s).')
    FROM dbo.MC_MaintenanceLog AS l
    WHERE l.RunID = @RunID;
    EXEC dbo.MC_print @Message = @Text;

    IF @Failures > 0
    BEGIN
        SET @Text = CONCAT(N'Des commandes ont échoué : SELECT * FROM dbo.MC_MaintenanceLog WHERE RunID = ''', CONVERT(nvarchar(36), @RunID),
            N''' AND Outcome = ''Failed''; corrigez, puis relancez : ', @ExecLine);
        EXEC dbo.MC_print @Message = @Text;
        RETURN 1;
    END;

    RETURN 0;
END;
