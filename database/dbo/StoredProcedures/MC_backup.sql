/*
MC_backup: backs up the CRM database and the GesCom databases of its integrations that live on the
same instance as ONE pair: one label (yyyyMMdd_HHmmss, UTC) in every file name, in every backup
set's DESCRIPTION (N'CrmDb pair <label>') and NAME (N'CrmDb <database> <TYPE> <label>'), and in
dbo.MC_MaintenanceLog. Each backup is taken WITH CHECKSUM (and COMPRESSION where the edition has
it), then read back with RESTORE VERIFYONLY ... WITH CHECKSUM. Every command goes through
dbo.MC_maintenanceexecute (journal, print, never raises).

A pair is a consistent point: no synchronisation cycle runs between its backups. MC_backup takes
each active integration's cycle lock (the application lock CrmDb.MC_runautosync.<id> that
dbo.MC_runautosync takes: Exclusive, owner Session) for the pair's duration, and releases it on
every path; when a lock is not granted within @LockTimeout seconds it refuses, naming the running
cycle, and backs up nothing.

A GesCom on another instance (dbo.MC_Integration.GesComServer names a linked server) cannot be
backed up from here: it is journaled Skipped, the return code is 1, and the message says to use
crmdb backup --gescom-connection, which takes both sides under the same lock.
The file names, statements and label are built the same way by crmdb (runner/Backup); the tests
compare both. See docs/backup.md.

Parameters
    @Type        varchar(20)      FULL (default), DIFF or LOG. DIFF without a differential base is
                                  taken as a FULL (said in the journal); LOG on a SIMPLE database
                                  is Skipped (docs/design.md decision 9).
    @CopyOnly    bit = 0          1: COPY_ONLY, which leaves the differential base (or the log
                                  chain) as it was. Not with DIFF.
    @Directory   nvarchar(1024)   the folder, as the server sees it. NULL: the instance's default
                                  backup folder (SERVERPROPERTY('InstanceDefaultBackupPath'), SQL
                                  Server 2019 and later); required on 2017.
    @Databases   nvarchar(max)    ALL (default: the CRM and its GesCom), CRM, GESCOM, or a comma
                                  list of those words and database names (the CRM or a GesCom of
                                  an integration).
    @LockTimeout int = 60         seconds to wait for each cycle lock.
    @Execute     char(1) = 'Y'    'N': print and journal NotExecuted, take no lock, run nothing.
    @RunID       uniqueidentifier a caller's run (dbo.MC_maintenance); NULL: a new one.
    @Slot        varchar(10)      the plan slot, for the journal.
    @Help        bit = 0          1: print this usage, run nothing.
    @PairLabel   char(15) OUTPUT  the pair's label.

Return codes
    0  every backup and verify of the pair succeeded (or was not executed, or skipped on SIMPLE)
    1  a backup or a verify failed, or a GesCom of the pair is not on this instance: see the journal
    2  invalid parameters: nothing ran (each problem is raised, severity 16)
    3  a synchronisation cycle holds its lock: nothing ran

Example
    EXEC dbo.MC_backup @Type = 'FULL', @CopyOnly = 1, @Directory = N'D:\Sauvegardes';

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_backup
    @Type        varchar(20)      = 'FULL',
    @CopyOnly    bit              = 0,
    @Directory   nvarchar(1024)   = NULL,
    @Databases   nvarchar(max)    = N'ALL',
    @LockTimeout int              = 60,
    @Execute     char(1)          = 'Y',
    @RunID       uniqueidentifier = NULL,
    @Slot        varchar(10)      = NULL,
    @Help        bit              = 0,
    @PairLabel   char(15)         = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;   -- BACKUP refuses a transaction: none is open here when it runs (checked below).

    DECLARE @Version nvarchar(20) = N'1.0.0';
    DECLARE @Message nvarchar(max);
    DECLARE @NewLine nchar(1) = NCHAR(10);
    SET @PairLabel = NULL;

    IF @Help = 1
    BEGIN
        SET @Message = CONCAT(
            N'MC_backup ', @Version, N' : sauvegarde en une paire la base CRM et les bases GesCom de ses intégrations sur cette instance.', @NewLine,
            N'Une étiquette (aaaaMMjj_HHmmss, UTC) dans les noms de fichiers, la description des sauvegardes et le journal dbo.MC_MaintenanceLog ;', @NewLine,
            N'WITH CHECKSUM (et COMPRESSION si l''édition le permet), puis RESTORE VERIFYONLY ... WITH CHECKSUM.', @NewLine,
            N'Aucun cycle de synchronisation ne tourne entre les deux sauvegardes : le verrou de chaque intégration est pris pendant la paire.', @NewLine,
            @NewLine,
            N'EXEC dbo.MC_backup', @NewLine,
            N'    @Type        = ''FULL'',  -- FULL, DIFF ou LOG', @NewLine,
            N'    @CopyOnly    = 0,       -- 1 : COPY_ONLY, la base différentielle reste la même (pas avec DIFF)', @NewLine,
            N'    @Directory   = NULL,    -- NULL : dossier de sauvegarde par défaut de l''instance (SQL Server 2019 et suivants), sinon obligatoire', @NewLine,
            N'    @Databases   = N''ALL'',  -- ALL, CRM, GESCOM ou une liste de ces mots et de noms de bases', @NewLine,
            N'    @LockTimeout = 60,      -- secondes d''attente du verrou de chaque intégration', @NewLine,
            N'    @Execute     = ''Y'';     -- ''N'' : affiche et journalise sans exécuter', @NewLine,
            @NewLine,
            N'Codes retour : 0 la paire est sauvegardée et vérifiée ; 1 une sauvegarde ou une vérification a échoué, ou une base GesCom est sur une autre instance', @NewLine,
            N'(crmdb backup --gescom-connection) ; 2 paramètres invalides, rien n''a été exécuté ; 3 un cycle de synchronisation est en cours, rien n''a été exécuté.', @NewLine,
            N'Journal : SELECT * FROM dbo.MC_MaintenanceLog WHERE PairLabel = ''<étiquette>''. Restauration : crmdb restore --pair <étiquette>.');
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    ---------------------------------------------------------------------------------------------
    -- Parameters: every problem is collected, then all are raised together; nothing runs.
    ---------------------------------------------------------------------------------------------
    DECLARE @Errors TABLE (ID int IDENTITY(1, 1) PRIMARY KEY, Message nvarchar(2000) NOT NULL);
    DECLARE @BackupType varchar(20) = UPPER(LTRIM(RTRIM(@Type)));
    DECLARE @Folder nvarchar(1024) = NULLIF(LTRIM(RTRIM(@Directory)), N'');
    DECLARE @ServerName sysname = CONVERT(sysname, SERVERPROPERTY('ServerName'));
    DECLARE @CrmDatabase sysname = DB_NAME();

    IF @BackupType IS NULL OR @BackupType NOT IN ('FULL', 'DIFF', 'LOG')
        INSERT @Errors (Message) VALUES (CONCAT(N'@Type = ', ISNULL(N'''' + @Type + N'''', N'NULL'), N' : valeurs admises FULL, DIFF ou LOG.'));

    IF @CopyOnly IS NULL
        INSERT @Errors (Message) VALUES (N'@CopyOnly = NULL : valeurs admises 0 ou 1.');
    ELSE IF @CopyOnly = 1 AND @BackupType = 'DIFF'
        INSERT @Errors (Message) VALUES (N'@CopyOnly = 1 avec @Type = ''DIFF'' : une sauvegarde différentielle ne peut pas être COPY_ONLY (BACKUP ignorerait l''option) ; prenez @Type = ''FULL'', @CopyOnly = 1.');

    IF ISNULL(@Execute, '') NOT IN ('Y', 'N')
        INSERT @Errors (Message) VALUES (CONCAT(N'@Execute = ', ISNULL(N'''' + @Execute + N'''', N'NULL'), N' : valeurs admises ''Y'' ou ''N''.'));

    IF @LockTimeout IS NULL OR @LockTimeout < 0
        INSERT @Errors (Message) VALUES (CONCAT(N'@LockTimeout = ', ISNULL(CONVERT(nvarchar(12), @LockTimeout), N'NULL'), N' : un nombre de secondes positif ou nul.'));

    IF @Slot IS NOT NULL AND @Slot NOT IN ('hourly', 'nightly', 'weekly', 'monthly')
        INSERT @Errors (Message) VALUES (CONCAT(N'@Slot = ''', @Slot, N''' : valeurs admises hourly, nightly, weekly, monthly ou NULL.'));

    -- InstanceDefaultBackupPath exists from SQL Server 2019; on 2017 SERVERPROPERTY returns NULL.
    IF @Folder IS NULL
        SET @Folder = NULLIF(CONVERT(nvarchar(1024), SERVERPROPERTY('InstanceDefaultBackupPath')), N'');
    IF @Folder IS NULL
        INSERT @Errors (Message) VALUES (N'@Directory est obligatoire sur cette instance : elle ne donne pas de dossier de sauvegarde par défaut (SERVERPROPERTY(''InstanceDefaultBackupPath'') n''existe qu''à partir de SQL Server 2019). Exemple : @Directory = N''D:\Sauvegardes''.');

    IF @@TRANCOUNT > 0 AND @Execute = 'Y'
        INSERT @Errors (Message) VALUES (N'MC_backup est appelé dans une transaction ouverte : BACKUP ne s''exécute pas dans une transaction. Validez ou annulez-la d''abord.');

    -- The pair: the CRM (this database) and the GesCom databases of the active integrations.
    DECLARE @Pair TABLE
    (
        DatabaseName sysname       NOT NULL PRIMARY KEY,
        Role         varchar(6)    NOT NULL,
        IsLocal      bit           NOT NULL,
        GesComServer nvarchar(128) NULL,
        Integrations nvarchar(400) NULL,
        Wanted       bit           NOT NULL DEFAULT (0)
    );
    INSERT @Pair (DatabaseName, Role, IsLocal) VALUES (@CrmDatabase, 'CRM', 1);
    INSERT @Pair (DatabaseName, Role, IsLocal, GesComServer, Integrations)
    SELECT i.GesComDatabase, 'GESCOM',
           -- Same reading of "local" as GesComLocation (docs/design.md decision 3).
           MAX(CASE WHEN LTRIM(RTRIM(i.GesComServer)) IN (N'', N'.', N'(local)', N'localhost') OR LTRIM(RTRIM(i.GesComServer)) = @ServerName THEN 1 ELSE 0 END),
           MAX(i.GesComServer),
           STRING_AGG(CONVERT(nvarchar(12), i.ErpIntegrationID), N', ')
    FROM dbo.MC_Integration AS i
    WHERE i.IsActive = 1 AND i.GesComDatabase <> @CrmDatabase
    GROUP BY i.GesComDatabase;

    DECLARE @Items TABLE (Item nvarchar(256) NOT NULL);
    INSERT @Items (Item)
    SELECT LTRIM(RTRIM(s.value)) FROM STRING_SPLIT(ISNULL(@Databases, N''), N',') AS s WHERE LTRIM(RTRIM(s.value)) <> N'';

    IF NOT EXISTS (SELECT 1 FROM @Items)
        INSERT @Errors (Message) VALUES (N'@Databases est vide : valeurs admises ALL, CRM, GESCOM ou une liste de noms de bases (la base CRM ou une base GesCom d''une intégration active).');

    UPDATE p SET Wanted = 1
    FROM @Pair AS p
    WHERE EXISTS (SELECT 1 FROM @Items AS t
                  WHERE t.Item = N'ALL' OR t.Item = p.Role OR t.Item = p.DatabaseName);

    INSERT @Errors (Message)
    SELECT CONCAT(N'@Databases : « ', t.Item, N' » n''est ni ALL, ni CRM, ni GESCOM, ni la base CRM (', @CrmDatabase,
                  N'), ni la base GesCom d''une intégration active (crmdb integration list).')
    FROM @Items AS t
    WHERE t.Item NOT IN (N'ALL', N'CRM', N'GESCOM')
      AND NOT EXISTS (SELECT 1 FROM @Pair AS p WHERE p.DatabaseName = t.Item);

    IF EXISTS (SELECT 1 FROM @Errors)
    BEGIN
        SET @Message = (SELECT STRING_AGG(CONVERT(nvarchar(max), e.Message), @NewLine) WITHIN GROUP (ORDER BY e.ID) FROM @Errors AS e);
        EXEC dbo.MC_raiseparametererrors @Procedure = N'MC_backup', @Errors = @Message;
        RETURN 2;
    END;

    ---------------------------------------------------------------------------------------------
    -- The label, the run, the edition's compression.
    ---------------------------------------------------------------------------------------------
    DECLARE @Now datetime2(0) = SYSUTCDATETIME();
    SET @PairLabel = CONCAT(CONVERT(char(8), @Now, 112), '_', REPLACE(CONVERT(char(8), @Now, 108), ':', ''));
    -- Two pairs in one second would share a label, and BACKUP would append to the first pair's
    -- files: wait for the next second while msdb knows the label (msdb unreadable: take it).
    DECLARE @Taken int = 0;
    DECLARE @Attempt int = 0;
    DECLARE @PairDescription nvarchar(255);
    WHILE @Execute = 'Y' AND @Attempt < 3
    BEGIN
        SET @PairDescription = CONCAT(N'CrmDb pair ', @PairLabel);
        BEGIN TRY
            EXEC sys.sp_executesql N'SELECT @Count = COUNT(*) FROM msdb.dbo.backupset WHERE description = @Description;',
                N'@Description nvarchar(255), @Count int OUTPUT', @PairDescription, @Taken OUTPUT;
        END TRY
        BEGIN CATCH
            SET @Taken = 0;
        END CATCH;
        IF @Taken = 0
            BREAK;
        WAITFOR DELAY '00:00:01';
        SET @Now = SYSUTCDATETIME();
        SET @PairLabel = CONCAT(CONVERT(char(8), @Now, 112), '_', REPLACE(CONVERT(char(8), @Now, 108), ':', ''));
        SET @Attempt += 1;
    END;
    SET @RunID = ISNULL(@RunID, NEWID());
    -- Backup compression: not in Express (EngineEdition 4) nor Web; Standard, Enterprise, Developer have it.
    DECLARE @Compression bit = CASE
        WHEN CONVERT(int, SERVERPROPERTY('EngineEdition')) IN (2, 3, 8) AND CONVERT(nvarchar(128), SERVERPROPERTY('Edition')) NOT LIKE N'Web%' THEN 1
        ELSE 0 END;
    DECLARE @Separator nchar(1) = CASE WHEN CHARINDEX(N'/', @Folder) > 0 AND CHARINDEX(N'\', @Folder) = 0 THEN N'/' ELSE N'\' END;
    WHILE RIGHT(@Folder, 1) IN (N'\', N'/') AND LEN(@Folder) > 1
        SET @Folder = LEFT(@Folder, LEN(@Folder) - 1);

    ---------------------------------------------------------------------------------------------
    -- The cycle locks: every active integration, for the whole pair. Session owner, because
    -- BACKUP runs outside any transaction.
    ---------------------------------------------------------------------------------------------
    DECLARE @Locks TABLE (ErpIntegrationID int NOT NULL PRIMARY KEY, Resource nvarchar(255) NOT NULL, Taken bit NOT NULL DEFAULT (0));
    INSERT @Locks (ErpIntegrationID, Resource)
    SELECT i.ErpIntegrationID, CONCAT(N'CrmDb.MC_runautosync.', i.ErpIntegrationID)
    FROM dbo.MC_Integration AS i
    WHERE i.IsActive = 1;

    DECLARE @ReturnCode int = 0;
    DECLARE @LockID int;
    DECLARE @Resource nvarchar(255);
    DECLARE @LockResult int;
    DECLARE @LockMs int = CASE WHEN @LockTimeout > 2147483 THEN 2147483647 ELSE @LockTimeout * 1000 END;

    BEGIN TRY
        IF @Execute = 'Y'
        BEGIN
            SET @LockID = (SELECT MIN(ErpIntegrationID) FROM @Locks);
            WHILE @LockID IS NOT NULL
            BEGIN
                SET @Resource = (SELECT Resource FROM @Locks WHERE ErpIntegrationID = @LockID);
                EXEC @LockResult = sys.sp_getapplock @Resource = @Resource, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = @LockMs;
                IF @LockResult < 0
                BEGIN
                    DECLARE @Holder nvarchar(400) = N'';
                    SELECT TOP (1) @Holder = CONCAT(N' (cycle n° ', r.RunID, N' commencé le ', CONVERT(nvarchar(23), r.StartTime, 121),
                        N' par ', r.LoginName, N' depuis ', r.HostName, N')')
                    FROM dbo.MC_AutosyncRun AS r
                    WHERE r.ErpIntegrationID = @LockID AND r.Status = N'Running'
                    ORDER BY r.RunID DESC;

                    SET @Message = CONCAT(N'Un cycle de synchronisation de l''intégration ', @LockID, N' est en cours', @Holder,
                        N' : son verrou ', @Resource, N' n''a pas été obtenu en ', @LockTimeout, N' s. Aucune sauvegarde n''a été prise : ',
                        N'une paire est un point cohérent, sans cycle entre ses sauvegardes. Relancez après la fin du cycle, ou augmentez @LockTimeout.');
                    EXEC dbo.MC_print @Message = @Message;
                    SET @ReturnCode = 3;
                    BREAK;
                END;

                UPDATE @Locks SET Taken = 1 WHERE ErpIntegrationID = @LockID;
                SET @LockID = (SELECT MIN(ErpIntegrationID) FROM @Locks WHERE ErpIntegrationID > @LockID);
            END;
        END;

        IF @ReturnCode = 0
        BEGIN
            SET @Message = CONCAT(N'Paire ', @PairLabel, N' : ', @BackupType, CASE WHEN @CopyOnly = 1 THEN N' COPY_ONLY' ELSE N'' END,
                N' de ', (SELECT STRING_AGG(QUOTENAME(p.DatabaseName), N', ') WITHIN GROUP (ORDER BY p.Role, p.DatabaseName) FROM @Pair AS p WHERE p.Wanted = 1),
                N' vers ', @Folder, N' sur ', @ServerName, N' (verrous : ', ISNULL((SELECT STRING_AGG(l.Resource, N', ') FROM @Locks AS l), N'aucune intégration active'),
                CASE WHEN @Execute = 'N' THEN N', non pris : @Execute = ''N''' ELSE N'' END, N').');
            EXEC dbo.MC_print @Message = @Message;

            DECLARE @Database sysname;
            DECLARE @Role varchar(6);
            DECLARE @IsLocal bit;
            DECLARE @Effective varchar(4);
            DECLARE @Note nvarchar(4000);
            DECLARE @File nvarchar(2048);
            DECLARE @Command nvarchar(max);
            DECLARE @SetName nvarchar(128);
            DECLARE @SetDescription nvarchar(255);
            DECLARE @Display nvarchar(max);
            DECLARE @Result int;
            DECLARE @Task varchar(40);

            DECLARE pair_cursor CURSOR LOCAL FAST_FORWARD FOR
                SELECT p.DatabaseName, p.Role, p.IsLocal,
                       CASE WHEN p.IsLocal = 0 THEN CONCAT(N'Intégration(s) ', p.Integrations, N' : la base GesCom ', QUOTENAME(p.DatabaseName), N' est sur le serveur ', p.GesComServer,
                           N', pas sur cette instance : MC_backup ne peut pas la sauvegarder. La paire est incomplète ; utilisez crmdb backup --gescom-connection "<chaîne de connexion du serveur GesCom>".') END
                FROM @Pair AS p
                WHERE p.Wanted = 1
                ORDER BY p.Role, p.DatabaseName;
            OPEN pair_cursor;
            FETCH NEXT FROM pair_cursor INTO @Database, @Role, @IsLocal, @Note;
            WHILE @@FETCH_STATUS = 0
            BEGIN
                SET @Effective = @BackupType;
                IF @IsLocal = 1 AND DB_ID(@Database) IS NULL
                    SET @Note = CONCAT(N'La base ', QUOTENAME(@Database), N' n''existe pas sur cette instance : vérifiez l''intégration (crmdb integration list). La paire est incomplète.');
                ELSE IF @IsLocal = 1 AND @BackupType = 'LOG' AND CONVERT(nvarchar(60), DATABASEPROPERTYEX(@Database, 'Recovery')) = N'SIMPLE'
                BEGIN
                    SET @Note = CONCAT(N'Sauvegarde du journal impossible : ', QUOTENAME(@Database), N' est en mode de récupération SIMPLE (choix du guide pour les bases CRM et GesCom).');
                    EXEC dbo.MC_maintenanceexecute @DatabaseName = @Database, @Task = 'BACKUP_LOG', @Slot = @Slot, @PairLabel = @PairLabel,
                        @RunID = @RunID, @Message = @Note, @Skip = 1, @Execute = @Execute;
                    SET @Note = NULL;
                    SET @Effective = NULL;
                END
                ELSE IF @IsLocal = 1 AND @BackupType = 'DIFF'
                    AND EXISTS (SELECT 1 FROM sys.master_files AS f WHERE f.database_id = DB_ID(@Database) AND f.file_id = 1 AND f.differential_base_lsn IS NULL)
                BEGIN
                    SET @Effective = 'FULL';
                    SET @Note = NULL;
                END;

                IF @Note IS NOT NULL
                BEGIN
                    SET @Task = CONCAT('BACKUP_', @BackupType);
                    EXEC dbo.MC_maintenanceexecute @DatabaseName = @Database, @Task = @Task, @Slot = @Slot, @PairLabel = @PairLabel,
                        @RunID = @RunID, @Message = @Note, @Skip = 1, @Execute = @Execute;
                    SET @ReturnCode = 1;
                END
                ELSE IF @Effective IS NOT NULL
                BEGIN
                    -- Same name as BackupFileNames.FileName: label, server ('\' as '$'), database, type; characters Windows refuses as '_'.
                    SET @File = CONCAT(@Folder, @Separator, @PairLabel, N'_',
                        TRANSLATE(REPLACE(@ServerName, N'\', N'$'), N'\/:*?"<>| ', N'__________'), N'_',
                        TRANSLATE(@Database, N'\/:*?"<>| ', N'__________'), N'_', @Effective, CASE WHEN @Effective = 'LOG' THEN N'.trn' ELSE N'.bak' END);
                    -- Same statement as BackupStatements.Backup (its Text): identifiers through QUOTENAME,
                    -- values as variables that MC_maintenanceexecute passes to sp_executesql.
                    SET @Command = CONCAT(
                        CASE WHEN @Effective = 'LOG' THEN N'BACKUP LOG ' ELSE N'BACKUP DATABASE ' END, QUOTENAME(@Database),
                        N' TO DISK = @File WITH ',
                        CASE WHEN @Effective = 'DIFF' THEN N'DIFFERENTIAL, CHECKSUM' ELSE N'CHECKSUM' END,
                        CASE WHEN @Compression = 1 THEN N', COMPRESSION' ELSE N'' END,
                        CASE WHEN @CopyOnly = 1 THEN N', COPY_ONLY' ELSE N'' END,
                        N', DESCRIPTION = @Description, NAME = @Name;');
                    SET @SetDescription = CONCAT(N'CrmDb pair ', @PairLabel);
                    SET @SetName = LEFT(CONCAT(N'CrmDb ', @Database, N' ', @Effective, N' ', @PairLabel), 128);
                    -- For the journal and the print only (never run): BackupStatements.Backup's Display.
                    SET @Display = CONCAT(
                        CASE WHEN @Effective = 'LOG' THEN N'BACKUP LOG ' ELSE N'BACKUP DATABASE ' END, QUOTENAME(@Database),
                        N' TO DISK = N''', REPLACE(@File, N'''', N''''''), N''' WITH ',
                        CASE WHEN @Effective = 'DIFF' THEN N'DIFFERENTIAL, CHECKSUM' ELSE N'CHECKSUM' END,
                        CASE WHEN @Compression = 1 THEN N', COMPRESSION' ELSE N'' END,
                        CASE WHEN @CopyOnly = 1 THEN N', COPY_ONLY' ELSE N'' END,
                        N', DESCRIPTION = N''', @SetDescription, N'''',
                        N', NAME = N''', REPLACE(@SetName, N'''', N''''''), N''';');
                    SET @Note = CASE WHEN @Effective <> @BackupType
                        THEN CONCAT(N'Différentielle remplacée par une complète : ', QUOTENAME(@Database), N' n''a pas encore de base différentielle (aucune sauvegarde complète).') END;

                    SET @Task = CONCAT('BACKUP_', @Effective);
                    EXEC @Result = dbo.MC_maintenanceexecute @DatabaseName = @Database, @Task = @Task, @Command = @Command,
                        @File = @File, @Name = @SetName, @Description = @SetDescription, @Display = @Display,
                        @Slot = @Slot, @PairLabel = @PairLabel, @RunID = @RunID, @Message = @Note, @Execute = @Execute;
                    IF @Result <> 0
                        SET @ReturnCode = 1;
                    ELSE
                    BEGIN
                        SET @Command = N'RESTORE VERIFYONLY FROM DISK = @File WITH CHECKSUM;';
                        SET @Display = CONCAT(N'RESTORE VERIFYONLY FROM DISK = N''', REPLACE(@File, N'''', N''''''), N''' WITH CHECKSUM;');
                        EXEC @Result = dbo.MC_maintenanceexecute @DatabaseName = @Database, @Task = 'VERIFY', @Command = @Command, @File = @File, @Display = @Display,
                            @Slot = @Slot, @PairLabel = @PairLabel, @RunID = @RunID, @Execute = @Execute;
                        IF @Result <> 0
                            SET @ReturnCode = 1;
                    END;
                END;

                FETCH NEXT FROM pair_cursor INTO @Database, @Role, @IsLocal, @Note;
            END;
            CLOSE pair_cursor;
            DEALLOCATE pair_cursor;

            SET @Message = CASE WHEN @ReturnCode = 0
                THEN CONCAT(N'Paire ', @PairLabel, CASE WHEN @Execute = 'N' THEN N' affichée (non exécutée).' ELSE N' sauvegardée et vérifiée.' END,
                    N' Restauration : crmdb restore --pair ', @PairLabel, N' --from "', @Folder, N'".')
                ELSE CONCAT(N'Paire ', @PairLabel, N' INCOMPLÈTE : une sauvegarde ou une vérification a échoué ou a été ignorée (voir ci-dessus). ',
                    N'Détail : SELECT * FROM dbo.MC_MaintenanceLog WHERE PairLabel = ''', @PairLabel, N''' ORDER BY LogID; corrigez, puis relancez.') END;
            EXEC dbo.MC_print @Message = @Message;
        END;
    END TRY
    BEGIN CATCH
        -- Not expected (the executor never raises): release the locks, then raise again.
        IF CURSOR_STATUS('local', 'pair_cursor') >= -1
        BEGIN
            IF CURSOR_STATUS('local', 'pair_cursor') >= 0
                CLOSE pair_cursor;
            DEALLOCATE pair_cursor;
        END;

        IF XACT_STATE() <> 0 AND @@TRANCOUNT > 0 AND @Execute = 'Y'
            ROLLBACK TRANSACTION;

        SET @LockID = (SELECT MIN(ErpIntegrationID) FROM @Locks WHERE Taken = 1);
        WHILE @LockID IS NOT NULL
        BEGIN
            SET @Resource = (SELECT Resource FROM @Locks WHERE ErpIntegrationID = @LockID);
            BEGIN TRY
                EXEC sys.sp_releaseapplock @Resource = @Resource, @LockOwner = N'Session';
            END TRY
            BEGIN CATCH
                -- A lock not released ends with the session; the original error matters more.
            END CATCH;
            SET @LockID = (SELECT MIN(ErpIntegrationID) FROM @Locks WHERE Taken = 1 AND ErpIntegrationID > @LockID);
        END;

        THROW;
    END CATCH;

    SET @LockID = (SELECT MIN(ErpIntegrationID) FROM @Locks WHERE Taken = 1);
    WHILE @LockID IS NOT NULL
    BEGIN
        SET @Resource = (SELECT Resource FROM @Locks WHERE ErpIntegrationID = @LockID);
        EXEC sys.sp_releaseapplock @Resource = @Resource, @LockOwner = N'Session';
        SET @LockID = (SELECT MIN(ErpIntegrationID) FROM @Locks WHERE Taken = 1 AND ErpIntegrationID > @LockID);
    END;

    RETURN @ReturnCode;
END;
