/*
MC_doctor: the doctor for support in SSMS. It reads facts about the instance, the CRM database,
CrmDb itself, each integration and its GesCom database (the fact batch below, which crmdb doctor
runs too, word for word), and passes them to dbo.MC_doctorfindings, the decisions in C# that
crmdb doctor runs as well: both give the same ids (DOC-xxx, docs/doctor.md) for the same facts.
It changes nothing. A fact the caller may not read (MC_support sees less than a sysadmin) is a
"cannot check" finding that names the right it needs, never a silent pass.

Parameters
    @ErpIntegrationID int = NULL  only this integration (dbo.MC_Integration); NULL: all.
    @CrmLogin sysname = NULL      the CRM web server's login; NULL: the login with the most
                                  sessions on this database (needs VIEW SERVER STATE).
    @FailOn int = 100             the return value is 1 when a finding's priority is at most this.
    @English bit = 0              1: titles and fixes in English.
    @Help bit = 0                 1: print this help and return 0.

Returns 0 when no finding is as urgent as @FailOn, 1 otherwise, 2 on a bad parameter.
One result set: Priority, CheckId, Area, Scope, CannotCheck, Finding, Details, MissingRight,
RowsFound, DetailsQuery (the query that lists an anomaly's rows), Fix, Url.

Example
    EXEC dbo.MC_doctor;
    EXEC dbo.MC_doctor @ErpIntegrationID = 1, @FailOn = 50;

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_doctor
    @ErpIntegrationID int     = NULL,
    @CrmLogin         sysname = NULL,
    @FailOn           int     = 100,
    @English          bit     = 0,
    @Help             bit     = 0
AS
BEGIN
    SET NOCOUNT ON;
    IF @Help = 1
    BEGIN
        PRINT N'EXEC dbo.MC_doctor [@ErpIntegrationID = N] [, @CrmLogin = N''login''] [, @FailOn = 100] [, @English = 1] [, @Help = 1]';
        PRINT N'Vérifie l''instance, la base CRM, CrmDb, les intégrations et leur Gestion commerciale ; ne modifie rien.';
        PRINT N'Retourne 0 si aucun constat n''a une priorité <= @FailOn, 1 sinon, 2 sur un paramètre invalide. Détails : docs/doctor.md.';
        RETURN 0;
    END;

    IF @FailOn IS NULL OR @FailOn < 1 OR @FailOn > 255
    BEGIN
        PRINT N'@FailOn doit être un nombre de 1 (le plus urgent) à 255 ; valeur par défaut 100.';
        RETURN 2;
    END;

    -- doctor facts: begin
    -- Every fact is one row (Scope, Name, Value, MissingRight); MissingRight names what the
    -- caller lacks to read it. Sage and GesCom objects are read only through sp_executesql,
    -- after their columns were found in sys.columns: a missing one is a "cannot check".
    DECLARE @Facts TABLE (Position int IDENTITY(1, 1) PRIMARY KEY, Scope nvarchar(300) NOT NULL, Name nvarchar(128) NOT NULL,
        Value nvarchar(max) NULL, MissingRight nvarchar(800) NULL);
    DECLARE @Queries TABLE (Position int IDENTITY(1, 1) PRIMARY KEY, Scope nvarchar(300) NOT NULL, Name nvarchar(128) NOT NULL,
        Statement nvarchar(max) NOT NULL, ListQuery nvarchar(max) NULL, MissingRight nvarchar(800) NOT NULL,
        DatabaseName sysname NULL, IntegrationID int NULL);
    DECLARE @Databases TABLE (Position int IDENTITY(1, 1) PRIMARY KEY, Name sysname NOT NULL, Role nvarchar(10) NOT NULL);
    DECLARE @Integrations TABLE (ErpIntegrationID int NOT NULL PRIMARY KEY, GesComServer nvarchar(128) NOT NULL,
        GesComDatabase nvarchar(128) NOT NULL, IsActive bit NOT NULL, LastToken int NULL);
    DECLARE @GesComColumns TABLE (TableName sysname NOT NULL, ColumnName sysname NOT NULL);
    DECLARE @Required TABLE (Anomaly nvarchar(60) NOT NULL, TableName sysname NOT NULL, ColumnName sysname NOT NULL);

    DECLARE @ProductVersion nvarchar(128) = CONVERT(nvarchar(128), SERVERPROPERTY('ProductVersion'));
    DECLARE @MajorVersion int = CONVERT(int, PARSENAME(@ProductVersion, 4));
    DECLARE @CrmDatabase sysname = DB_NAME();
    DECLARE @IsSysadmin bit = CONVERT(bit, ISNULL(IS_SRVROLEMEMBER(N'sysadmin'), 0));
    DECLARE @CanViewServerState bit = CONVERT(bit, ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, N'VIEW SERVER STATE'), 0));
    DECLARE @CanViewAnyDefinition bit = CONVERT(bit, ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, N'VIEW ANY DEFINITION'), 0));
    DECLARE @CanViewDefinition bit = CONVERT(bit, ISNULL(HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'VIEW DEFINITION'), 0));
    DECLARE @TrustViewPermission nvarchar(128) = CASE WHEN @MajorVersion >= 16 THEN N'VIEW SERVER SECURITY STATE' ELSE N'VIEW SERVER STATE' END;
    DECLARE @CanReadTrusted bit = CONVERT(bit, ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, @TrustViewPermission), 0));
    DECLARE @Value nvarchar(max), @Right nvarchar(800), @Statement nvarchar(max), @ListQuery nvarchar(max), @Name sysname;
    DECLARE @Position int, @Scope nvarchar(300), @Id int, @Server nvarchar(128), @GesCom nvarchar(128), @G nvarchar(400), @Count bigint, @Reachable bit;

    INSERT @Facts (Scope, Name, Value) VALUES
        (N'server', N'ProductVersion', @ProductVersion),
        (N'server', N'MajorVersion', CONVERT(nvarchar(10), @MajorVersion)),
        (N'server', N'Edition', CONVERT(nvarchar(128), SERVERPROPERTY('Edition'))),
        (N'server', N'EngineEdition', CONVERT(nvarchar(10), SERVERPROPERTY('EngineEdition'))),
        (N'server', N'ServerDate', CONVERT(nvarchar(30), SYSDATETIME(), 126)),
        (N'server', N'ServerCollation', CONVERT(nvarchar(128), SERVERPROPERTY('Collation'))),
        (N'server', N'TempdbCollation', CONVERT(nvarchar(128), DATABASEPROPERTYEX(N'tempdb', 'Collation'))),
        (N'server', N'MaxServerMemoryMb', (SELECT CONVERT(nvarchar(20), value_in_use) FROM sys.configurations WHERE name = N'max server memory (MB)')),
        (N'server', N'ClrEnabled', ISNULL((SELECT CONVERT(nvarchar(10), value_in_use) FROM sys.configurations WHERE name = N'clr enabled'), N'0')),
        (N'server', N'ClrStrictSecurity', ISNULL((SELECT CONVERT(nvarchar(10), value_in_use) FROM sys.configurations WHERE name = N'clr strict security'), N'0')),
        (N'crm', N'DatabaseName', @CrmDatabase);

    -- Server state: sys.dm_os_sys_info and sys.dm_server_registry need VIEW SERVER STATE.
    IF @CanViewServerState = 1
    BEGIN
        INSERT @Facts (Scope, Name, Value)
        SELECT N'server', N'PhysicalMemoryMb', CONVERT(nvarchar(20), physical_memory_kb / 1024) FROM sys.dm_os_sys_info;
        SET @Value = (SELECT TOP (1) CONVERT(nvarchar(10), value_data) FROM sys.dm_server_registry
            WHERE registry_key LIKE N'%SuperSocketNetLib\Tcp' AND value_name = N'Enabled');
        INSERT @Facts (Scope, Name, Value, MissingRight)
        VALUES (N'server', N'TcpEnabled', @Value, CASE WHEN @Value IS NULL THEN N'sys.dm_server_registry (no TCP key on this platform)' END);
        SET @Value = (SELECT TOP (1) NULLIF(CONVERT(nvarchar(100), value_data), N'') FROM sys.dm_server_registry
            WHERE registry_key LIKE N'%SuperSocketNetLib\Tcp\IPAll' AND value_name = N'TcpPort');
        INSERT @Facts (Scope, Name, Value, MissingRight)
        VALUES (N'server', N'TcpPort', ISNULL(@Value, (SELECT TOP (1) CONVERT(nvarchar(100), local_tcp_port) FROM sys.dm_exec_connections
            WHERE session_id = @@SPID AND local_tcp_port IS NOT NULL)), NULL);
        IF @CrmLogin IS NULL
            SET @CrmLogin = (SELECT TOP (1) s.login_name FROM sys.dm_exec_sessions AS s
                WHERE s.database_id = DB_ID() AND s.session_id <> @@SPID AND s.is_user_process = 1 AND s.login_name <> ORIGINAL_LOGIN()
                GROUP BY s.login_name ORDER BY COUNT(*) DESC, s.login_name);
    END
    ELSE
        INSERT @Facts (Scope, Name, MissingRight) VALUES
            (N'server', N'PhysicalMemoryMb', N'VIEW SERVER STATE'), (N'server', N'TcpEnabled', N'VIEW SERVER STATE'),
            (N'server', N'TcpPort', N'VIEW SERVER STATE');

    -- Logins: other logins are visible with VIEW ANY DEFINITION (or ALTER ANY LOGIN).
    IF @CanViewAnyDefinition = 1 OR @IsSysadmin = 1
        -- S-1-5-32-544, whatever the name in the Windows language (BUILTIN\Administrateurs).
        INSERT @Facts (Scope, Name, Value)
        VALUES (N'server', N'BuiltinAdministrators',
            (SELECT TOP (1) name FROM sys.server_principals WHERE sid = 0x01020000000000052000000020020000));
    ELSE
        INSERT @Facts (Scope, Name, MissingRight) VALUES (N'server', N'BuiltinAdministrators', N'VIEW ANY DEFINITION');

    INSERT @Facts (Scope, Name, Value, MissingRight)
    VALUES (N'server', N'CrmLogin', @CrmLogin,
        CASE WHEN @CrmLogin IS NULL AND @CanViewServerState = 0 THEN N'@CrmLogin / --crm-login, or VIEW SERVER STATE' END);
    IF @CrmLogin IS NOT NULL
    BEGIN
        SET @Value = CONVERT(nvarchar(10), IS_SRVROLEMEMBER(N'sysadmin', @CrmLogin));
        INSERT @Facts (Scope, Name, Value, MissingRight)
        VALUES (N'server', N'CrmLoginSysadmin', @Value, CASE WHEN @Value IS NULL THEN N'VIEW ANY DEFINITION (login ' + QUOTENAME(@CrmLogin) + N')' END);
    END;

    -- Integrations (dbo.MC_Integration, read through sp_executesql: CrmDb may not be deployed yet).
    IF OBJECT_ID(N'dbo.MC_Integration', N'U') IS NOT NULL
    BEGIN
        BEGIN TRY
            -- As XML through an OUTPUT parameter, not INSERT ... EXEC: a caller may capture
            -- MC_doctor's result with INSERT ... EXEC (the tSQLt tests do), which cannot nest.
            EXEC sys.sp_executesql
                N'SET @v = (SELECT ErpIntegrationID AS [@id], GesComServer AS [@server], GesComDatabase AS [@database], IsActive AS [@active], LastToken AS [@token] FROM dbo.MC_Integration WHERE @id IS NULL OR ErpIntegrationID = @id FOR XML PATH(N''i''));',
                N'@v nvarchar(max) OUTPUT, @id int', @Value OUTPUT, @ErpIntegrationID;
            INSERT @Integrations (ErpIntegrationID, GesComServer, GesComDatabase, IsActive, LastToken)
            SELECT x.i.value(N'@id', N'int'), x.i.value(N'@server', N'nvarchar(128)'), x.i.value(N'@database', N'nvarchar(128)'),
                x.i.value(N'@active', N'bit'), x.i.value(N'@token', N'int')
            FROM (SELECT CONVERT(xml, @Value) AS Document) AS d
            CROSS APPLY d.Document.nodes(N'/i') AS x (i);
        END TRY
        BEGIN CATCH
            INSERT @Facts (Scope, Name, MissingRight) VALUES (N'crm', N'Integrations', N'SELECT ON dbo.MC_Integration');
        END CATCH;
    END;

    INSERT @Databases (Name, Role) VALUES (@CrmDatabase, N'CRM');
    INSERT @Databases (Name, Role)
    SELECT DISTINCT i.GesComDatabase, N'GesCom' FROM @Integrations AS i
    WHERE i.GesComServer = N'' AND i.GesComDatabase <> @CrmDatabase
      AND EXISTS (SELECT 1 FROM sys.databases AS d WHERE d.name = i.GesComDatabase);

    -- Each database: sys.databases (visible with VIEW ANY DATABASE, granted to public by default).
    INSERT @Facts (Scope, Name, Value)
    SELECT N'database:' + d.Name, v.Name, v.Value
    FROM @Databases AS d
    JOIN sys.databases AS s ON s.name = d.Name
    CROSS APPLY (VALUES
        (N'Role', d.Role),
        (N'State', CONVERT(nvarchar(max), s.state_desc)),
        (N'Collation', CONVERT(nvarchar(max), s.collation_name)),
        (N'RecoveryModel', CONVERT(nvarchar(max), s.recovery_model_desc)),
        (N'CompatibilityLevel', CONVERT(nvarchar(max), s.compatibility_level)),
        (N'Trustworthy', CONVERT(nvarchar(max), CONVERT(int, s.is_trustworthy_on))),
        (N'AutoShrink', CONVERT(nvarchar(max), CONVERT(int, s.is_auto_shrink_on))),
        (N'AutoClose', CONVERT(nvarchar(max), CONVERT(int, s.is_auto_close_on))),
        (N'PageVerify', CONVERT(nvarchar(max), s.page_verify_option_desc)),
        (N'LogReuseWait', CONVERT(nvarchar(max), s.log_reuse_wait_desc)),
        (N'Owner', CONVERT(nvarchar(max), SUSER_SNAME(s.owner_sid)))
    ) AS v (Name, Value);

    -- Owner, sizes, last CHECKDB: other databases' files need VIEW ANY DEFINITION (sys.master_files).
    INSERT @Facts (Scope, Name, Value, MissingRight)
    SELECT N'database:' + d.Name, v.Name, v.Value, v.MissingRight
    FROM @Databases AS d
    JOIN sys.databases AS s ON s.name = d.Name
    CROSS APPLY (VALUES
        (N'OwnerValid',
            CASE WHEN @CanViewAnyDefinition = 1 OR @IsSysadmin = 1 THEN CASE WHEN EXISTS (SELECT 1 FROM sys.server_principals AS p WHERE p.sid = s.owner_sid) THEN N'1' ELSE N'0' END END,
            CASE WHEN @CanViewAnyDefinition = 0 AND @IsSysadmin = 0 THEN N'VIEW ANY DEFINITION' END),
        (N'DataMb',
            CASE WHEN @CanViewAnyDefinition = 1 OR @IsSysadmin = 1 THEN (SELECT CONVERT(nvarchar(20), ISNULL(SUM(CONVERT(bigint, f.size)), 0) * 8 / 1024) FROM sys.master_files AS f WHERE f.database_id = s.database_id AND f.type = 0)
                 WHEN s.database_id = DB_ID() THEN (SELECT CONVERT(nvarchar(20), ISNULL(SUM(CONVERT(bigint, f.size)), 0) * 8 / 1024) FROM sys.database_files AS f WHERE f.type = 0) END,
            CASE WHEN @CanViewAnyDefinition = 0 AND @IsSysadmin = 0 AND s.database_id <> DB_ID() THEN N'VIEW ANY DEFINITION' END),
        (N'LogMb',
            CASE WHEN @CanViewAnyDefinition = 1 OR @IsSysadmin = 1 THEN (SELECT CONVERT(nvarchar(20), ISNULL(SUM(CONVERT(bigint, f.size)), 0) * 8 / 1024) FROM sys.master_files AS f WHERE f.database_id = s.database_id AND f.type = 1)
                 WHEN s.database_id = DB_ID() THEN (SELECT CONVERT(nvarchar(20), ISNULL(SUM(CONVERT(bigint, f.size)), 0) * 8 / 1024) FROM sys.database_files AS f WHERE f.type = 1) END,
            CASE WHEN @CanViewAnyDefinition = 0 AND @IsSysadmin = 0 AND s.database_id <> DB_ID() THEN N'VIEW ANY DEFINITION' END),
        -- LastGoodCheckDbTime: SQL Server 2016 SP2 and later; 1900-01-01 when never run.
        (N'LastGoodCheckDb',
            CASE WHEN @MajorVersion >= 14 THEN CONVERT(nvarchar(30), NULLIF(CONVERT(datetime, DATABASEPROPERTYEX(s.name, 'LastGoodCheckDbTime')), '19000101'), 126) END,
            CASE WHEN @MajorVersion < 14 THEN N'SQL Server 2017 (DATABASEPROPERTYEX LastGoodCheckDbTime)'
                 WHEN DATABASEPROPERTYEX(s.name, 'LastGoodCheckDbTime') IS NULL THEN N'CONNECT ON DATABASE::' + QUOTENAME(s.name) END)
    ) AS v (Name, Value, MissingRight);

    -- Backups (msdb.dbo.backupset; pairs are told apart by DESCRIPTION = N'CrmDb pair <label>').
    INSERT @Queries (Scope, Name, Statement, MissingRight, DatabaseName)
    SELECT N'database:' + d.Name, q.Name, q.Statement, N'SELECT ON msdb.dbo.backupset', d.Name
    FROM @Databases AS d
    CROSS APPLY (VALUES
        (N'LastFullBackup', N'SET @v = (SELECT CONVERT(nvarchar(30), MAX(backup_finish_date), 126) FROM msdb.dbo.backupset WHERE database_name = @db AND type = ''D'');'),
        (N'LastDiffBackup', N'SET @v = (SELECT CONVERT(nvarchar(30), MAX(backup_finish_date), 126) FROM msdb.dbo.backupset WHERE database_name = @db AND type = ''I'');'),
        (CASE d.Role WHEN N'CRM' THEN N'LastPairLabel' ELSE N'PairLabels' END,
            CASE d.Role WHEN N'CRM'
                THEN N'SET @v = (SELECT TOP (1) SUBSTRING(description, 12, 15) FROM msdb.dbo.backupset WHERE database_name = @db AND description LIKE N''CrmDb pair %'' ORDER BY backup_finish_date DESC);'
                ELSE N'SET @v = STUFF((SELECT DISTINCT N'','' + SUBSTRING(description, 12, 15) FROM msdb.dbo.backupset WHERE database_name = @db AND description LIKE N''CrmDb pair %'' AND backup_finish_date >= DATEADD(DAY, -30, SYSDATETIME()) FOR XML PATH(N''''), TYPE).value(N''.'', N''nvarchar(max)''), 1, 1, N'''');' END)
    ) AS q (Name, Statement);

    -- CrmDb itself. Metadata the caller may not see (no VIEW DEFINITION) is a cannot-check, not a "missing".
    SET @Value = (SELECT TOP (1) CONVERT(nvarchar(16), ASSEMBLYPROPERTY(name, 'VersionMajor')) + N'.' + CONVERT(nvarchar(16), ASSEMBLYPROPERTY(name, 'VersionMinor')) + N'.'
        + CONVERT(nvarchar(16), ASSEMBLYPROPERTY(name, 'VersionBuild')) + N'.' + CONVERT(nvarchar(16), ASSEMBLYPROPERTY(name, 'VersionRevision'))
        FROM sys.assemblies WHERE name = N'CrmDb.Clr');
    INSERT @Facts (Scope, Name, Value, MissingRight)
    VALUES (N'crm', N'AssemblyVersion', @Value, CASE WHEN @Value IS NULL AND @CanViewDefinition = 0 THEN N'VIEW DEFINITION' END);
    -- No error is raised on purpose: a caller may capture MC_doctor with INSERT ... EXEC (the tSQLt
    -- class does), where an error, even a caught one, may leave its transaction uncommittable.
    -- A missing right is recorded as such.
    IF @MajorVersion >= 14 AND @CanReadTrusted = 1
        INSERT @Queries (Scope, Name, Statement, MissingRight)
        VALUES (N'crm', N'AssemblyTrusted',
            N'SET @v = CASE WHEN EXISTS (SELECT 1 FROM sys.assemblies AS a JOIN sys.assembly_files AS f ON f.assembly_id = a.assembly_id AND f.file_id = 1 JOIN sys.trusted_assemblies AS t ON t.hash = HASHBYTES(''SHA2_512'', f.content) WHERE a.name = N''CrmDb.Clr'') THEN N''1'' ELSE N''0'' END;',
            @TrustViewPermission);
    ELSE IF @MajorVersion >= 14
        INSERT @Facts (Scope, Name, MissingRight) VALUES (N'crm', N'AssemblyTrusted', @TrustViewPermission);

    SET @Value = STUFF((SELECT N',' + o.Name FROM (VALUES
        (N'dbo.MC_Integration'), (N'dbo.MC_AutosyncRun'), (N'dbo.MC_AutosyncStep'), (N'dbo.MC_ReplicationLog'), (N'dbo.MC_MaintenanceLog'),
        (N'dbo.MC_runautosync'), (N'dbo.MC_traceautosync'), (N'dbo.MC_listautosync'), (N'dbo.MC_replicate'), (N'dbo.MC_execsql'),
        (N'dbo.MC_setsysparams'), (N'dbo.MC_print'), (N'dbo.MC_maintenanceexecute'), (N'dbo.MC_doctor'), (N'dbo.MC_autosynccatalog'),
        (N'dbo.MC_autosynchooks'), (N'dbo.MC_doctorfindings'), (N'dbo.MC_expandtokens'), (N'dbo.MC_gescomqualifier')
        ) AS o (Name) WHERE OBJECT_ID(o.Name) IS NULL FOR XML PATH(N''), TYPE).value(N'.', N'nvarchar(max)'), 1, 1, N'');
    INSERT @Facts (Scope, Name, Value, MissingRight)
    VALUES (N'crm', N'MissingObjects', @Value, CASE WHEN @Value IS NOT NULL AND @CanViewDefinition = 0 THEN N'VIEW DEFINITION' END);
    SET @Value = STUFF((SELECT N',' + r.Name FROM (VALUES (N'MC_integrator'), (N'MC_support')) AS r (Name)
        WHERE DATABASE_PRINCIPAL_ID(r.Name) IS NULL FOR XML PATH(N''), TYPE).value(N'.', N'nvarchar(max)'), 1, 1, N'');
    INSERT @Facts (Scope, Name, Value, MissingRight)
    VALUES (N'crm', N'MissingRoles', @Value, CASE WHEN @Value IS NOT NULL AND @CanViewDefinition = 0 THEN N'VIEW DEFINITION' END);

    -- Hooks: EXECUTE for MC_support on the hook, its schema or the database (sys.database_permissions).
    SET @Value = STUFF((SELECT N',' + p.name FROM sys.procedures AS p
        WHERE p.schema_id = SCHEMA_ID(N'dbo') AND p.name LIKE N'AUTOSYNC%'
          AND NOT EXISTS (SELECT 1 FROM sys.database_permissions AS dp
              WHERE dp.grantee_principal_id = DATABASE_PRINCIPAL_ID(N'MC_support') AND dp.type = 'EX' AND dp.state IN ('G', 'W')
                AND ((dp.class = 1 AND dp.major_id = p.object_id) OR (dp.class = 3 AND dp.major_id = p.schema_id) OR dp.class = 0))
        ORDER BY p.name FOR XML PATH(N''), TYPE).value(N'.', N'nvarchar(max)'), 1, 1, N'');
    INSERT @Facts (Scope, Name, Value, MissingRight)
    VALUES (N'crm', N'HooksWithoutSupportGrant', @Value, CASE WHEN @CanViewDefinition = 0 THEN N'VIEW DEFINITION' END);
    IF OBJECT_ID(N'dbo.MC_autosynchooks') IS NOT NULL AND @CanViewDefinition = 1
        INSERT @Queries (Scope, Name, Statement, MissingRight)
        VALUES (N'crm', N'NonConformingHooks',
            N'SET @v = STUFF((SELECT N'','' + h.ProcedureName FROM dbo.MC_autosynchooks((SELECT c.Procedures FROM dbo.MC_autosynccatalog() AS c), NULL, NULL, NULL, NULL) AS h WHERE h.IsConforming = 0 ORDER BY h.RunOrder FOR XML PATH(N''''), TYPE).value(N''.'', N''nvarchar(max)''), 1, 1, N'''');',
            N'EXECUTE ON dbo.MC_autosynchooks');
    ELSE
        INSERT @Facts (Scope, Name, MissingRight)
        VALUES (N'crm', N'NonConformingHooks', CASE WHEN @CanViewDefinition = 0 THEN N'VIEW DEFINITION' ELSE N'dbo.MC_autosynchooks (crmdb publish)' END);

    -- CRM data (Sage tables, columns checked first). Users: the guide's 10-user ceiling on Express.
    IF OBJECT_ID(N'dbo.Users', N'U') IS NULL OR COL_LENGTH(N'dbo.Users', N'User_Deleted') IS NULL OR COL_LENGTH(N'dbo.Users', N'User_Disabled') IS NULL
        INSERT @Facts (Scope, Name, MissingRight) VALUES (N'crm', N'ActiveCrmUsers', N'SELECT ON dbo.Users (User_Deleted, User_Disabled)');
    ELSE
        INSERT @Queries (Scope, Name, Statement, MissingRight)
        VALUES (N'crm', N'ActiveCrmUsers',
            N'SET @v = (SELECT CONVERT(nvarchar(20), COUNT(*)) FROM dbo.Users WHERE User_Deleted IS NULL AND (User_Disabled IS NULL OR User_Disabled <> N''Y''));',
            N'SELECT ON dbo.Users');

    IF OBJECT_ID(N'dbo.Account', N'U') IS NULL OR COL_LENGTH(N'dbo.Account', N'acc_erp_account_id') IS NULL OR COL_LENGTH(N'dbo.Account', N'Acc_Deleted') IS NULL
        INSERT @Facts (Scope, Name, MissingRight) VALUES (N'crm', N'CtNumMappedTwice', N'SELECT ON dbo.Account (Acc_AccountId, Acc_Deleted, acc_erp_account_id)');
    ELSE
        INSERT @Queries (Scope, Name, Statement, ListQuery, MissingRight)
        VALUES (N'crm', N'CtNumMappedTwice', N'', N'SELECT a.acc_erp_account_id, COUNT(*) AS Accounts FROM ' + QUOTENAME(@CrmDatabase) + N'.dbo.Account AS a'
            + N' WHERE a.Acc_Deleted IS NULL AND a.acc_erp_account_id IS NOT NULL AND a.acc_erp_account_id <> N'''' GROUP BY a.acc_erp_account_id HAVING COUNT(*) > 1',
            N'SELECT ON dbo.Account');

    -- Communication: the Exchange rules (no recurring appointment without end; no start = end).
    IF OBJECT_ID(N'dbo.Communication', N'U') IS NULL OR COL_LENGTH(N'dbo.Communication', N'Comm_CommunicationId') IS NULL
        OR COL_LENGTH(N'dbo.Communication', N'Comm_Type') IS NULL OR COL_LENGTH(N'dbo.Communication', N'Comm_DateTime') IS NULL
        OR COL_LENGTH(N'dbo.Communication', N'Comm_ToDateTime') IS NULL OR COL_LENGTH(N'dbo.Communication', N'Comm_Deleted') IS NULL
        OR COL_LENGTH(N'dbo.Communication', N'Comm_RecurrenceId') IS NULL
        INSERT @Facts (Scope, Name, MissingRight) VALUES
            (N'crm', N'RecurringWithoutEnd', N'SELECT ON dbo.Communication (Comm_CommunicationId, Comm_Type, Comm_DateTime, Comm_ToDateTime, Comm_Deleted, Comm_RecurrenceId)'),
            (N'crm', N'StartEqualsEnd', N'SELECT ON dbo.Communication (Comm_CommunicationId, Comm_Type, Comm_DateTime, Comm_ToDateTime, Comm_Deleted, Comm_RecurrenceId)');
    ELSE
        INSERT @Queries (Scope, Name, Statement, ListQuery, MissingRight) VALUES
            (N'crm', N'RecurringWithoutEnd', N'', N'SELECT c.Comm_CommunicationId, c.Comm_DateTime, c.Comm_RecurrenceId FROM ' + QUOTENAME(@CrmDatabase) + N'.dbo.Communication AS c'
                + N' WHERE c.Comm_Deleted IS NULL AND c.Comm_Type = N''Appointment'' AND c.Comm_RecurrenceId IS NOT NULL AND c.Comm_ToDateTime IS NULL', N'SELECT ON dbo.Communication'),
            (N'crm', N'StartEqualsEnd', N'', N'SELECT c.Comm_CommunicationId, c.Comm_DateTime, c.Comm_ToDateTime FROM ' + QUOTENAME(@CrmDatabase) + N'.dbo.Communication AS c'
                + N' WHERE c.Comm_Deleted IS NULL AND c.Comm_Type = N''Appointment'' AND c.Comm_DateTime = c.Comm_ToDateTime', N'SELECT ON dbo.Communication');

    -- Each integration.
    INSERT @Required (Anomaly, TableName, ColumnName) VALUES
        (N'Token', N'F_COMPTET', N'cbReplication'),
        (N'PayerMissing', N'F_COMPTET', N'CT_Num'), (N'PayerMissing', N'F_COMPTET', N'CT_NumPayeur'),
        (N'GeneralAccountMissing', N'F_COMPTET', N'CT_Num'), (N'GeneralAccountMissing', N'F_COMPTET', N'CG_NumPrinc'), (N'GeneralAccountMissing', N'F_COMPTEG', N'CG_Num'),
        (N'UnusedPaymentSlot', N'F_REGLEMENTT', N'CT_Num'), (N'UnusedPaymentSlot', N'F_REGLEMENTT', N'N_Reglement'),
        (N'UnusedPaymentSlot', N'P_REGLEMENT', N'cbIndice'), (N'UnusedPaymentSlot', N'P_REGLEMENT', N'R_Intitule'),
        (N'LineWithoutHeader', N'F_DOCLIGNE', N'DO_Domaine'), (N'LineWithoutHeader', N'F_DOCLIGNE', N'DO_Type'), (N'LineWithoutHeader', N'F_DOCLIGNE', N'DO_Piece'),
        (N'LineWithoutHeader', N'F_DOCENTETE', N'DO_Domaine'), (N'LineWithoutHeader', N'F_DOCENTETE', N'DO_Type'), (N'LineWithoutHeader', N'F_DOCENTETE', N'DO_Piece'),
        (N'CrmAccountUnmatched', N'F_COMPTET', N'CT_Num');
    SET @Id = (SELECT MIN(ErpIntegrationID) FROM @Integrations);
    WHILE @Id IS NOT NULL
    BEGIN
        SELECT @Server = GesComServer, @GesCom = GesComDatabase, @Scope = N'integration:' + CONVERT(nvarchar(11), ErpIntegrationID)
        FROM @Integrations WHERE ErpIntegrationID = @Id;
        SET @G = CASE WHEN @Server = N'' THEN QUOTENAME(@GesCom) ELSE QUOTENAME(@Server) + N'.' + QUOTENAME(@GesCom) END;
        INSERT @Facts (Scope, Name, Value)
        SELECT @Scope, v.Name, v.Value FROM @Integrations AS i
        CROSS APPLY (VALUES (N'GesComServer', i.GesComServer), (N'GesComDatabase', i.GesComDatabase),
            (N'IsActive', CONVERT(nvarchar(10), CONVERT(int, i.IsActive))), (N'LastToken', CONVERT(nvarchar(20), i.LastToken))) AS v (Name, Value)
        WHERE i.ErpIntegrationID = @Id;

        SET @Reachable = 0;
        IF @Server = N''
        BEGIN
            SET @Value = (SELECT CONVERT(nvarchar(60), state_desc) FROM sys.databases WHERE name = @GesCom);
            INSERT @Facts (Scope, Name, Value) VALUES (@Scope, N'GesComState', @Value);
            SET @Reachable = CASE WHEN @Value = N'ONLINE' THEN 1 ELSE 0 END;
        END
        ELSE
        BEGIN
            BEGIN TRY
                EXEC sys.sp_testlinkedserver @servername = @Server;
                INSERT @Facts (Scope, Name, Value) VALUES (@Scope, N'LinkedServerAnswers', N'1');
                SET @Reachable = 1;
            END TRY
            BEGIN CATCH
                INSERT @Facts (Scope, Name, Value) VALUES (@Scope, N'LinkedServerAnswers', N'0'), (@Scope, N'LinkedServerError', ERROR_MESSAGE());
            END CATCH;
        END;

        -- The journal of the cycles (MC_AutosyncRun) and of the replication (MC_ReplicationLog).
        INSERT @Queries (Scope, Name, Statement, MissingRight, IntegrationID) VALUES
            (@Scope, N'LastStatuses', N'SET @v = STUFF((SELECT TOP (3) N'','' + Status FROM dbo.MC_AutosyncRun WHERE ErpIntegrationID = @id AND IsSimulation = 0 AND Status <> N''Running'' ORDER BY RunID DESC FOR XML PATH(N''''), TYPE).value(N''.'', N''nvarchar(max)''), 1, 1, N'''');', N'SELECT ON dbo.MC_AutosyncRun', @Id),
            (@Scope, N'Durations', N'SET @v = STUFF((SELECT TOP (20) N'','' + CONVERT(nvarchar(20), DurationMs) FROM dbo.MC_AutosyncRun WHERE ErpIntegrationID = @id AND IsSimulation = 0 AND Status = N''Succeeded'' ORDER BY RunID DESC FOR XML PATH(N''''), TYPE).value(N''.'', N''nvarchar(max)''), 1, 1, N'''');', N'SELECT ON dbo.MC_AutosyncRun', @Id),
            (@Scope, N'ReplicationStatus', N'SET @v = (SELECT TOP (1) Status FROM dbo.MC_ReplicationLog WHERE ErpIntegrationID = @id ORDER BY ReplicationLogID DESC);', N'SELECT ON dbo.MC_ReplicationLog', @Id),
            (@Scope, N'ReplicationMessage', N'SET @v = (SELECT TOP (1) Message FROM dbo.MC_ReplicationLog WHERE ErpIntegrationID = @id ORDER BY ReplicationLogID DESC);', N'SELECT ON dbo.MC_ReplicationLog', @Id);

        -- Other CRM databases of the instance whose integration names the same GesCom (a copy?).
        SET @Value = NULL;
        SET @Right = NULL;
        SET @Name = (SELECT MIN(name) FROM sys.databases WHERE database_id > 4 AND name <> @CrmDatabase AND state_desc = N'ONLINE');
        WHILE @Name IS NOT NULL
        BEGIN
            IF HAS_DBACCESS(@Name) = 1
            BEGIN
                BEGIN TRY
                SET @Count = 0;
                SET @Statement = N'IF OBJECT_ID(N''' + REPLACE(QUOTENAME(@Name), N'''', N'''''') + N'.dbo.MC_Integration'', N''U'') IS NOT NULL'
                    + N' EXEC sys.sp_executesql N''SELECT @n = COUNT_BIG(*) FROM ' + REPLACE(QUOTENAME(@Name), N'''', N'''''')
                    + N'.dbo.MC_Integration WHERE GesComServer = @s AND GesComDatabase = @d'', N''@s nvarchar(128), @d nvarchar(128), @n bigint OUTPUT'', @s = @s, @d = @d, @n = @n OUTPUT;';
                EXEC sys.sp_executesql @Statement, N'@s nvarchar(128), @d nvarchar(128), @n bigint OUTPUT', @Server, @GesCom, @Count OUTPUT;
                IF @Count > 0
                    SET @Value = CONCAT(@Value + N',', @Name);
                END TRY
                BEGIN CATCH
                    SET @Right = CONCAT(@Right + N', ', N'SELECT ON ', QUOTENAME(@Name), N'.dbo.MC_Integration');
                END CATCH;
            END
            ELSE
                SET @Right = CONCAT(@Right + N', ', N'CONNECT ON DATABASE::', QUOTENAME(@Name));
            SET @Name = (SELECT MIN(name) FROM sys.databases WHERE database_id > 4 AND name <> @CrmDatabase AND state_desc = N'ONLINE' AND name > @Name);
        END;
        INSERT @Facts (Scope, Name, Value, MissingRight) VALUES (@Scope, N'SharedWith', @Value, CASE WHEN @Value IS NULL THEN @Right END);

        IF @Reachable = 1
        BEGIN
            DELETE @GesComColumns;
            BEGIN TRY
                -- The columns GesCom has (and the caller may see), as "table.column" items.
                SET @Statement = N'SET @v = (SELECT t.name AS [@t], c.name AS [@c] FROM ' + @G + N'.sys.tables AS t JOIN ' + @G + N'.sys.schemas AS s ON s.schema_id = t.schema_id'
                    + N' JOIN ' + @G + N'.sys.columns AS c ON c.object_id = t.object_id'
                    + N' WHERE s.name = N''dbo'' AND t.name IN (N''F_COMPTET'', N''F_COMPTEG'', N''F_REGLEMENTT'', N''P_REGLEMENT'', N''F_DOCLIGNE'', N''F_DOCENTETE'') FOR XML PATH(N''c''));';
                SET @Value = NULL;
                EXEC sys.sp_executesql @Statement, N'@v nvarchar(max) OUTPUT', @Value OUTPUT;
                INSERT @GesComColumns (TableName, ColumnName)
                SELECT x.c.value(N'@t', N'sysname'), x.c.value(N'@c', N'sysname')
                FROM (SELECT CONVERT(xml, @Value) AS Document) AS d
                CROSS APPLY d.Document.nodes(N'/c') AS x (c);
            END TRY
            BEGIN CATCH
                INSERT @Facts (Scope, Name, Value) VALUES (@Scope, N'GesComCatalogError', ERROR_MESSAGE());
            END CATCH;

            -- Whether the synchronisation login (the last cycle's, else the caller) may read F_COMPTET.
            SET @Name = NULL;
            BEGIN TRY
                EXEC sys.sp_executesql N'SET @v = (SELECT TOP (1) LoginName FROM dbo.MC_AutosyncRun WHERE ErpIntegrationID = @id AND IsSimulation = 0 ORDER BY RunID DESC);',
                    N'@v sysname OUTPUT, @id int', @Name OUTPUT, @Id;
            END TRY
            BEGIN CATCH
                SET @Name = NULL;
            END CATCH;
            SET @Name = ISNULL(@Name, ORIGINAL_LOGIN());
            IF @Server <> N''
                -- Through a linked server the remote login is the mapping's: try as the caller.
                INSERT @Queries (Scope, Name, Statement, MissingRight, IntegrationID)
                VALUES (@Scope, N'ComptetReadable', N'BEGIN TRY EXEC sys.sp_executesql N''SELECT TOP (0) 1 AS x FROM ' + REPLACE(@G, N'''', N'''''') + N'.dbo.F_COMPTET;''; SET @v = N''1''; END TRY BEGIN CATCH SET @v = N''0''; END CATCH;',
                    N'SELECT ON ' + @G + N'.dbo.F_COMPTET', @Id);
            ELSE IF @Name = ORIGINAL_LOGIN()
                INSERT @Facts (Scope, Name, Value) VALUES (@Scope, N'ComptetReadable', CONVERT(nvarchar(10), ISNULL(HAS_PERMS_BY_NAME(@G + N'.dbo.F_COMPTET', N'OBJECT', N'SELECT'), 0)));
            ELSE
                -- Another login's rights are seen only by running as it; MC_doctor never impersonates
                -- (no EXECUTE AS in an MC_ module: docs/security.md), so the fact is named, not guessed.
                INSERT @Facts (Scope, Name, MissingRight) VALUES (@Scope, N'ComptetReadable', N'LOGIN::' + QUOTENAME(@Name));
            INSERT @Facts (Scope, Name, Value) VALUES (@Scope, N'SyncLogin', @Name);

            -- The anomalies, each after its columns were found; the list query is kept for --details.
            INSERT @Queries (Scope, Name, Statement, ListQuery, MissingRight, IntegrationID)
            SELECT @Scope, a.Anomaly, CASE WHEN a.Anomaly = N'Token' THEN N'SET @v = (SELECT CONVERT(nvarchar(20), MAX(cbReplication)) FROM ' + @G + N'.dbo.F_COMPTET);' ELSE N'' END,
                CASE a.Anomaly
                    WHEN N'PayerMissing' THEN N'SELECT t.CT_Num, t.CT_NumPayeur FROM ' + @G + N'.dbo.F_COMPTET AS t WHERE t.CT_NumPayeur IS NOT NULL AND t.CT_NumPayeur <> '''''
                        + N' AND NOT EXISTS (SELECT 1 FROM ' + @G + N'.dbo.F_COMPTET AS p WHERE p.CT_Num = t.CT_NumPayeur)'
                    WHEN N'GeneralAccountMissing' THEN N'SELECT t.CT_Num, t.CG_NumPrinc FROM ' + @G + N'.dbo.F_COMPTET AS t WHERE t.CG_NumPrinc IS NOT NULL AND t.CG_NumPrinc <> '''''
                        + N' AND NOT EXISTS (SELECT 1 FROM ' + @G + N'.dbo.F_COMPTEG AS g WHERE g.CG_Num = t.CG_NumPrinc)'
                    WHEN N'UnusedPaymentSlot' THEN N'SELECT r.CT_Num, r.N_Reglement FROM ' + @G + N'.dbo.F_REGLEMENTT AS r WHERE r.N_Reglement > 0'
                        + N' AND NOT EXISTS (SELECT 1 FROM ' + @G + N'.dbo.P_REGLEMENT AS p WHERE p.cbIndice = r.N_Reglement AND p.R_Intitule <> '''')'
                    WHEN N'LineWithoutHeader' THEN N'SELECT l.DO_Domaine, l.DO_Type, l.DO_Piece, COUNT(*) AS Lines FROM ' + @G + N'.dbo.F_DOCLIGNE AS l'
                        + N' WHERE NOT EXISTS (SELECT 1 FROM ' + @G + N'.dbo.F_DOCENTETE AS e WHERE e.DO_Domaine = l.DO_Domaine AND e.DO_Type = l.DO_Type AND e.DO_Piece = l.DO_Piece)'
                        + N' GROUP BY l.DO_Domaine, l.DO_Type, l.DO_Piece'
                    WHEN N'CrmAccountUnmatched' THEN N'SELECT a.Acc_AccountId, a.acc_erp_account_id FROM ' + QUOTENAME(@CrmDatabase) + N'.dbo.Account AS a'
                        + N' WHERE a.Acc_Deleted IS NULL AND a.acc_erp_account_id IS NOT NULL AND a.acc_erp_account_id <> N'''''
                        + N' AND NOT EXISTS (SELECT 1 FROM ' + @G + N'.dbo.F_COMPTET AS t WHERE t.CT_Num COLLATE DATABASE_DEFAULT = a.acc_erp_account_id)'
                END,
                N'SELECT ON ' + @G + N' (' + a.Columns + N')', @Id
            FROM (SELECT r.Anomaly, STUFF((SELECT N', ' + x.TableName + N'.' + x.ColumnName FROM @Required AS x WHERE x.Anomaly = r.Anomaly FOR XML PATH(N''), TYPE).value(N'.', N'nvarchar(max)'), 1, 2, N'') AS Columns
                  FROM @Required AS r GROUP BY r.Anomaly) AS a
            WHERE NOT EXISTS (SELECT 1 FROM @Required AS x WHERE x.Anomaly = a.Anomaly
                AND NOT EXISTS (SELECT 1 FROM @GesComColumns AS c WHERE c.TableName = x.TableName AND c.ColumnName = x.ColumnName))
              AND (a.Anomaly <> N'CrmAccountUnmatched' OR (COL_LENGTH(N'dbo.Account', N'acc_erp_account_id') IS NOT NULL AND COL_LENGTH(N'dbo.Account', N'Acc_Deleted') IS NOT NULL));

            -- Anomalies whose columns are missing (or not visible) cannot be checked.
            INSERT @Facts (Scope, Name, MissingRight)
            SELECT @Scope, CASE a.Anomaly WHEN N'Token' THEN N'GesComMaxToken' ELSE a.Anomaly END, N'SELECT ON ' + @G + N' (absent or not visible: ' + a.Missing + N')'
            FROM (SELECT r.Anomaly, STUFF((SELECT N', ' + x.TableName + N'.' + x.ColumnName FROM @Required AS x WHERE x.Anomaly = r.Anomaly
                      AND NOT EXISTS (SELECT 1 FROM @GesComColumns AS c WHERE c.TableName = x.TableName AND c.ColumnName = x.ColumnName)
                      FOR XML PATH(N''), TYPE).value(N'.', N'nvarchar(max)'), 1, 2, N'') AS Missing
                  FROM @Required AS r GROUP BY r.Anomaly) AS a
            WHERE a.Missing IS NOT NULL;
        END;

        SET @Id = (SELECT MIN(ErpIntegrationID) FROM @Integrations WHERE ErpIntegrationID > @Id);
    END;

    -- Runs every queued query; an error (a right the caller lacks) makes the fact a cannot-check.
    -- A list query is counted; its text is kept for --details.
    SET @Position = (SELECT MIN(Position) FROM @Queries);
    WHILE @Position IS NOT NULL
    BEGIN
        SELECT @Scope = Scope, @Name = Name, @Statement = Statement, @ListQuery = ListQuery, @Right = MissingRight, @GesCom = DatabaseName, @Id = IntegrationID
        FROM @Queries WHERE Position = @Position;
        SET @Value = NULL;
        BEGIN TRY
            IF @ListQuery IS NOT NULL
            BEGIN
                SET @Statement = N'SELECT @c = COUNT_BIG(*) FROM (' + @ListQuery + N') AS q;';
                EXEC sys.sp_executesql @Statement, N'@c bigint OUTPUT', @Count OUTPUT;
                SET @Value = CONVERT(nvarchar(20), @Count);
            END
            ELSE
                EXEC sys.sp_executesql @Statement, N'@v nvarchar(max) OUTPUT, @db sysname, @id int', @Value OUTPUT, @GesCom, @Id;
            INSERT @Facts (Scope, Name, Value) VALUES (@Scope, CASE @Name WHEN N'Token' THEN N'GesComMaxToken' ELSE @Name END, @Value);
            IF @ListQuery IS NOT NULL
                INSERT @Facts (Scope, Name, Value) VALUES (@Scope, @Name + N'.Query', @ListQuery + N';');
        END TRY
        BEGIN CATCH
            INSERT @Facts (Scope, Name, MissingRight)
            VALUES (@Scope, CASE @Name WHEN N'Token' THEN N'GesComMaxToken' ELSE @Name END, LEFT(@Right + N' (' + ERROR_MESSAGE() + N')', 800));
        END CATCH;
        SET @Position = (SELECT MIN(Position) FROM @Queries WHERE Position > @Position);
    END;
    -- doctor facts: end

    DECLARE @Xml nvarchar(max) = CONVERT(nvarchar(max), (SELECT Scope AS [@s], Name AS [@n], Value AS [@v], MissingRight AS [@r]
        FROM @Facts ORDER BY Position FOR XML PATH(N'f'), ROOT(N'facts'), TYPE));
    DECLARE @Findings TABLE (Position int IDENTITY(1, 1) PRIMARY KEY, Priority int, CheckId nvarchar(10), Area nvarchar(20), Scope nvarchar(300),
        CannotCheck bit, Finding nvarchar(400), Details nvarchar(max), MissingRight nvarchar(400), RowsFound bigint, DetailsQuery nvarchar(max),
        Fix nvarchar(max), Url nvarchar(400));
    INSERT @Findings (Priority, CheckId, Area, Scope, CannotCheck, Finding, Details, MissingRight, RowsFound, DetailsQuery, Fix, Url)
    SELECT f.Priority, f.CheckId, f.Area, f.Scope, f.CannotCheck, f.Finding, f.Details, f.MissingRight, f.RowsFound, f.DetailsQuery, f.Fix, f.Url
    FROM dbo.MC_doctorfindings(@Xml, @English) AS f;

    SELECT Priority, CheckId, Area, Scope, CannotCheck, Finding, Details, MissingRight, RowsFound, DetailsQuery, Fix, Url
    FROM @Findings ORDER BY Position;
    RETURN CASE WHEN EXISTS (SELECT 1 FROM @Findings WHERE Priority <= @FailOn) THEN 1 ELSE 0 END;
END;
