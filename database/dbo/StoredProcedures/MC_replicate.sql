/*
MC_replicate: replicates the GesCom fields declared in Custom_SysParams (REPLI_acc_<x>_repli,
docs/replication.md) onto the CRM tiers (dbo.Account) for one integration, one way: GesCom to CRM.

A built-in step of every MC_runautosync cycle, run BEFORE the integrators' AUTOSYNC_ hooks, so
that hooks see the replicated values (docs/replication.md). It:
 1. reads the live REPLI_acc_%_repli parameters (Parm_Deleted IS NULL);
 2. checks that dbo.Account is visible to the caller (else nothing is written and nothing
    advances), then each field: its column acc_<x>_repli exists on dbo.Account with a type it can
    compare, the caller may SELECT and UPDATE it, and its value is one expression that compiles
    against the integration's F_COMPTET (sys.dm_exec_describe_first_result_set, through
    dbo.MC_replidescribe, which reports a compile error as a row instead of raising it), and the
    fields together stay within SQL Server's row and statement limits (dbo.MC_replilimits). A
    field is compiled only when its validation fingerprint changed (dbo.MC_replifingerprints over
    the metadata of the GesCom tables it reads and of the functions it calls, read once before any
    transaction; dbo.MC_ReplicationFieldCheck keeps the last one). A bad field is reported in
    French, naming the parameter and the reason, and skipped, keeping its watermark; the others go on;
 3. reads, BEFORE it opens any transaction, the F_COMPTET rows with cbReplication >= the lowest
    of the fields' watermarks (dbo.MC_ReplicationWatermark) into a local temporary table: no
    remote read runs inside a local transaction, and none under a savepoint;
 4. writes locally, in one transaction of its own (or in the caller's, without a savepoint: no
    procedure of CrmDb takes one on a path that may go through a linked server): ONE UPDATE of
    the dbo.Account rows joined on acc_erp_account_id = CT_Num, each field from its own
    watermark, only where a value differs (NULL-safe); the watermarks of the fields written; the
    history row. The statements are built by the CLR (dbo.MC_replistatement, shared C# tested in xunit);
 4b. when the read or the write of all the fields fails at run time in a transaction of its own
    (as in every cycle), compiles each field again and runs it ALONE through the same builder (read
    before, then write and watermark in a transaction of its own): a field failing alone is printed and
    journaled with its error and keeps its watermark, the others advance; every field failing
    alone fails the whole. Inside a caller's transaction the error has doomed it (XACT_ABORT, no
    savepoint): it is raised as before;
 5. returns the rows written and the new watermark (the highest cbReplication read), and records
    the run in dbo.MC_ReplicationLog. MC_runautosync stores @NewToken as MC_Integration.LastToken.
Errors: RAISERROR (never THROW) while a caller's transaction is still committable, so that it is
never doomed here; otherwise the original error is raised again (THROW) after the rollback.

The statements run with the caller's rights (dynamic SQL): SELECT on dbo.Account
(acc_erp_account_id and the acc_*_repli columns), UPDATE on the acc_*_repli columns, SELECT on the
GesCom tables, EXECUTE on the functions the values call (docs/replication.md, "Rights").

Parameters
    @ErpIntegrationID int = NULL   the integration (dbo.MC_Integration) whose GesCom database is read. Required.
    @tokenAccount     int = NULL   watermark: only F_COMPTET rows with cbReplication >= @tokenAccount are
                                   read; NULL reads every row (first cycle, or a full replay)
    @Trace            bit = 0      1: also prints each field's check, the expanded statement and its results
    @Rollback         bit = 0      1: everything written is rolled back at the end (a simulation);
                                   refused inside a caller's transaction
    @RowsChanged      int OUTPUT   dbo.Account rows written (0 when nothing differed)
    @NewToken         int OUTPUT   the highest cbReplication read; @tokenAccount when no row was read
    @Help             bit = 0      1: prints this usage and does nothing else

Example
    DECLARE @Rows int, @Token int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 1200, @Trace = 1,
        @RowsChanged = @Rows OUTPUT, @NewToken = @Token OUTPUT;

Version 1.1.0
*/
CREATE PROCEDURE dbo.MC_replicate
    -- Defaults NULL, though @ErpIntegrationID is required: so that EXEC dbo.MC_replicate @Help = 1
    -- runs, and a missing integration is refused in French below rather than by error 201.
    @ErpIntegrationID int = NULL,
    @tokenAccount     int = NULL,
    @Trace            bit = 0,
    @Rollback         bit = 0,
    @RowsChanged      int = NULL OUTPUT,
    @NewToken         int = NULL OUTPUT,
    @Help             bit = 0
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    SET @RowsChanged = 0;
    SET @NewToken = @tokenAccount;

    DECLARE @Message nvarchar(max);

    IF @Help = 1
    BEGIN
        SET @Message = CONCAT(
            N'dbo.MC_replicate 1.1.0 : réplication des champs GesCom déclarés (REPLI_acc_<x>_repli) vers dbo.Account.', NCHAR(10),
            N'Paramètres :', NCHAR(10),
            N'  @ErpIntegrationID int    identifiant de l''intégration (dbo.MC_Integration), obligatoire', NCHAR(10),
            N'  @tokenAccount int        jeton : seuls les tiers F_COMPTET de cbReplication >= @tokenAccount sont lus ; NULL = tous', NCHAR(10),
            N'  @Trace bit = 0           1 : affiche la vérification de chaque champ, la requête exécutée et son résultat', NCHAR(10),
            N'  @RowsChanged int OUTPUT  nombre de tiers CRM modifiés', NCHAR(10),
            N'  @NewToken int OUTPUT     plus grand cbReplication lu (jeton du prochain cycle)', NCHAR(10),
            N'  @Help bit = 0            1 : affiche cette aide', NCHAR(10),
            N'Déclaration d''un champ : une ligne de Custom_SysParams nommée REPLI_acc_<x>_repli, dont la valeur est une', NCHAR(10),
            N'colonne de F_COMPTET ([CT_NumPayeur]), une sous-requête ou un appel de fonction (dbo.FCT_condpaiement(CT_Num)) ;', NCHAR(10),
            N'la colonne acc_<x>_repli doit exister dans dbo.Account. Jokers #F_<table># et #P_<table># acceptés.', NCHAR(10),
            N'Exemple : EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = NULL, @Trace = 1;');
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    ---------------------------------------------------------------------------------------------
    -- Parameters: every problem collected, then raised together.
    ---------------------------------------------------------------------------------------------
    DECLARE @Problems TABLE (ProblemNo int IDENTITY(1, 1) NOT NULL, Problem nvarchar(400) COLLATE DATABASE_DEFAULT NOT NULL);
    DECLARE @IntegrationName nvarchar(100);
    DECLARE @GesComServer nvarchar(128);
    DECLARE @GesComDatabase nvarchar(128);

    IF @ErpIntegrationID IS NULL
        INSERT INTO @Problems (Problem)
        VALUES (N'Le paramètre @ErpIntegrationID est obligatoire : donnez l''ErpIntegrationID d''une intégration de dbo.MC_Integration.');
    ELSE
    BEGIN
        SELECT @IntegrationName = I.Name, @GesComServer = I.GesComServer, @GesComDatabase = I.GesComDatabase
        FROM dbo.MC_Integration AS I
        WHERE I.ErpIntegrationID = @ErpIntegrationID;

        IF @@ROWCOUNT = 0
            INSERT INTO @Problems (Problem)
            VALUES (CONCAT(N'Le paramètre @ErpIntegrationID vaut ', @ErpIntegrationID,
                N' : aucune intégration de dbo.MC_Integration ne porte cet identifiant.'));
    END;

    IF @Trace IS NULL
        INSERT INTO @Problems (Problem)
        VALUES (N'Le paramètre @Trace vaut NULL : valeurs permises 0 (sans trace) ou 1 (trace).');

    IF @Rollback IS NULL OR (@Rollback = 1 AND @@TRANCOUNT > 0)
        INSERT INTO @Problems (Problem)
        VALUES (CASE WHEN @Rollback IS NULL THEN N'Le paramètre @Rollback vaut NULL : valeurs permises 0 (réplication réelle) ou 1 (simulation annulée à la fin).'
                     ELSE N'Le paramètre @Rollback vaut 1 dans une transaction ouverte : la simulation annule sa propre transaction, sans point de sauvegarde ; appelez-la hors transaction.' END);

    IF EXISTS (SELECT 1 FROM @Problems)
    BEGIN
        DECLARE @ParameterErrors nvarchar(2048) =
            (SELECT STRING_AGG(P.Problem, NCHAR(10)) WITHIN GROUP (ORDER BY P.ProblemNo) FROM @Problems AS P);
        SET @Message = CONCAT(N'dbo.MC_replicate n''a rien fait :', NCHAR(10), @ParameterErrors);
        EXEC dbo.MC_print @Message = @Message;
        -- RAISERROR, not THROW: nothing was written, the caller's transaction stays committable.
        RAISERROR(N'%s', 16, 1, @ParameterErrors);
        RETURN 1;
    END;

    DECLARE @Qualifier nvarchar(300) = dbo.MC_gescomqualifier(@GesComServer, @GesComDatabase);
    DECLARE @TokenFrom int = ISNULL(@tokenAccount, -2147483648);
    DECLARE @Check nvarchar(max);
    DECLARE @CheckError nvarchar(2048);
    DECLARE @Failure nvarchar(2048);

    IF @Trace = 1
    BEGIN
        SET @Message = CONCAT(N'Réplication des champs GesCom : intégration ', @ErpIntegrationID, N' (', @IntegrationName,
            N'), base GesCom ', @Qualifier, N', jeton ', ISNULL(CONVERT(nvarchar(11), @tokenAccount), N'NULL (tous les tiers)'), N'.');
        EXEC dbo.MC_print @Message = @Message;
    END;

    ---------------------------------------------------------------------------------------------
    -- dbo.Account must be visible to the caller: the statements run with the caller's rights,
    -- and without them every field would look like a missing column. Nothing advances then.
    ---------------------------------------------------------------------------------------------
    IF OBJECT_ID(N'dbo.Account') IS NULL
       OR ISNULL(HAS_PERMS_BY_NAME(N'dbo.Account', N'OBJECT', N'SELECT', N'acc_erp_account_id', N'COLUMN'), 0) = 0
    BEGIN
        SET @Failure = CONCAT(N'La réplication de l''intégration ', @ErpIntegrationID, N' ne peut pas lire dbo.Account : ',
            USER_NAME(), N' n''y voit pas la table ou n''a pas SELECT sur acc_erp_account_id. ',
            N'Accordez SELECT sur dbo.Account (acc_erp_account_id et les colonnes acc_*_repli) et UPDATE sur les colonnes acc_*_repli (docs/replication.md, « Droits ») ; ',
            N'aucun champ n''a été écrit et aucun jeton n''avance.');
        EXEC dbo.MC_print @Message = @Failure;
        INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
        VALUES (@ErpIntegrationID, @tokenAccount, @tokenAccount, 0, 0, 0, N'fail', LEFT(@Failure, 2048));
        RAISERROR(N'%s', 16, 1, @Failure);
        RETURN 1;
    END;

    ---------------------------------------------------------------------------------------------
    -- The declared fields.
    ---------------------------------------------------------------------------------------------
    DECLARE @Field TABLE
    (
        FieldNo       int IDENTITY(1, 1) NOT NULL PRIMARY KEY,
        ParameterName nvarchar(4000) COLLATE DATABASE_DEFAULT NOT NULL,
        Expression    nvarchar(max)  COLLATE DATABASE_DEFAULT NULL,
        ColumnName    nvarchar(128)  COLLATE DATABASE_DEFAULT NULL,
        ColumnType    nvarchar(128)  COLLATE DATABASE_DEFAULT NULL,
        Problem       nvarchar(max)  COLLATE DATABASE_DEFAULT NULL,
        -- Validation (docs/replication.md, "Validation fingerprint"): this cycle's fingerprint, the
        -- one kept with its outcome, and whether the field was compiled in this cycle (Checked = 1).
        Fingerprint   varbinary(32)  NULL,
        Stored        varbinary(32)  NULL,
        StoredError   nvarchar(2048) COLLATE DATABASE_DEFAULT NULL,
        Checked       bit            NOT NULL DEFAULT (0),
        CheckError    nvarchar(2048) COLLATE DATABASE_DEFAULT NULL
    );

    -- '_' is a LIKE wildcard: escaped, so that only REPLI_acc_..._repli names match.
    INSERT INTO @Field (ParameterName, Expression)
    SELECT P.Parm_Name, P.Parm_Value
    FROM dbo.Custom_SysParams AS P
    WHERE P.Parm_Name LIKE N'REPLI[_]acc[_]%[_]repli'
      AND P.Parm_Deleted IS NULL
    ORDER BY P.Parm_Name;

    ---------------------------------------------------------------------------------------------
    -- The metadata the fields' validity depends on, read once, BEFORE any transaction of ours:
    -- the columns of the GesCom tables the values read (three-part names on the same instance,
    -- four-part through the linked server: dbo.MC_replimetadataread) and the signature of the
    -- CRM functions they call. The read of GesCom's catalog is also the check that the
    -- integration's F_COMPTET can be read at all, or nothing can be replicated. Inside a caller's
    -- transaction an error there would doom it (XACT_ABORT): there F_COMPTET is first compiled
    -- (dbo.MC_replidescribe reports an error as a row, never raising it).
    ---------------------------------------------------------------------------------------------
    DECLARE @Compiled int = 0; -- fields compiled (F_COMPTET's own check is not counted)
    DECLARE @FieldList nvarchar(max);
    DECLARE @Tables nvarchar(max);
    DECLARE @MetadataRead nvarchar(max);
    DECLARE @GesComMetadata nvarchar(max);
    DECLARE @FunctionMetadata nvarchar(max);
    DECLARE @Engine nvarchar(4000);
    DECLARE @Fingerprints nvarchar(max);

    IF @@TRANCOUNT > 0
    BEGIN
        SET @Check = dbo.MC_replicheck(@GesComServer, @GesComDatabase, NULL, NULL);
        EXEC dbo.MC_replidescribe @Check = @Check, @Error = @CheckError OUTPUT;
    END;

    IF @CheckError IS NULL
    BEGIN
        -- Every declared value, checked or not yet: the tables they name are only looked up.
        SET @FieldList = CONVERT(nvarchar(max),
            (SELECT F.FieldNo AS [@no], F.ParameterName AS [@parameter], N'' AS [@column], N'' AS [@type], ISNULL(F.Expression, N'') AS [text()]
             FROM @Field AS F
             ORDER BY F.FieldNo
             FOR XML PATH(N'field'), ROOT(N'fields'), TYPE));
        SET @Tables = dbo.MC_replireferences(@FieldList, N'tables');
        SET @MetadataRead = dbo.MC_replimetadataread(@GesComServer, @GesComDatabase);
        BEGIN TRY
            -- The metadata read's parameters by position: @tables, @metadata OUTPUT.
            EXEC sys.sp_executesql
                @MetadataRead,
                N'@tables nvarchar(max), @metadata nvarchar(max) OUTPUT',
                @Tables,
                @GesComMetadata OUTPUT;
        END TRY
        BEGIN CATCH
            SET @CheckError = ERROR_MESSAGE();
            IF XACT_STATE() = -1
                THROW;
        END CATCH;

        -- F_COMPTET not in the catalog as a table or view: whether it can be read (not visible to the
        -- login, missing, or a synonym) is the engine's to say, by compiling it.
        IF @CheckError IS NULL AND CHARINDEX(N'table="F_COMPTET"', ISNULL(@GesComMetadata, N'')) = 0
        BEGIN
            SET @Check = dbo.MC_replicheck(@GesComServer, @GesComDatabase, NULL, NULL);
            EXEC dbo.MC_replidescribe @Check = @Check, @Error = @CheckError OUTPUT;
        END;
    END;

    IF @CheckError IS NOT NULL
    BEGIN
        SET @Failure = LEFT(CONCAT(N'La table ', @Qualifier, N'.dbo.F_COMPTET de l''intégration ', @ErpIntegrationID,
            N' est illisible : ', @CheckError,
            N' Vérifiez GesComServer et GesComDatabase dans dbo.MC_Integration, le serveur lié et les droits de lecture.'), 2048);
        EXEC dbo.MC_print @Message = @Failure;
        INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
        VALUES (@ErpIntegrationID, @tokenAccount, @tokenAccount, 0, 0, 0, N'fail', @Failure);
        RAISERROR(N'%s', 16, 1, @Failure);
        RETURN 1;
    END;

    ---------------------------------------------------------------------------------------------
    -- Each field checked locally; a bad one is reported and skipped.
    ---------------------------------------------------------------------------------------------
    DECLARE @FieldNo int = 0;
    DECLARE @ParameterName nvarchar(4000);
    DECLARE @Expression nvarchar(max);
    DECLARE @Column nvarchar(128);
    DECLARE @ColumnType nvarchar(128);
    DECLARE @DeclaredType nvarchar(128);
    DECLARE @IsComputed bit;
    DECLARE @Problem nvarchar(max);
    DECLARE @FirstParameter nvarchar(4000);

    WHILE 1 = 1
    BEGIN
        SELECT TOP (1) @FieldNo = F.FieldNo, @ParameterName = F.ParameterName, @Expression = F.Expression
        FROM @Field AS F
        WHERE F.FieldNo > @FieldNo
        ORDER BY F.FieldNo;

        IF @@ROWCOUNT = 0
            BREAK;

        SELECT @Problem = NULL, @ColumnType = NULL, @DeclaredType = NULL, @IsComputed = NULL, @CheckError = NULL, @FirstParameter = NULL;
        SET @Column = dbo.MC_replicolumn(@ParameterName);

        IF @Column IS NULL
            SET @Problem = N'le nom ne suit pas le modèle REPLI_acc_<x>_repli (x : lettres, chiffres et _ uniquement).';
        ELSE
        BEGIN
            -- The column as the catalog spells it: the UPDATE uses its exact name.
            SELECT @Column = C.name,
                   @ColumnType = dbo.MC_replitype(TYPE_NAME(C.system_type_id), C.max_length, C.precision, C.scale),
                   @DeclaredType = TYPE_NAME(C.user_type_id),
                   @IsComputed = C.is_computed
            FROM sys.columns AS C
            WHERE C.object_id = OBJECT_ID(N'dbo.Account')
              AND C.name = @Column;

            IF @@ROWCOUNT = 0
                SET @Problem = CONCAT(N'la colonne ', QUOTENAME(@Column), N' n''existe pas dans dbo.Account : ',
                    N'ajoutez-la à la table des tiers du CRM, ou corrigez le nom du paramètre.');
            ELSE IF @IsComputed = 1
                SET @Problem = CONCAT(N'la colonne ', QUOTENAME(@Column), N' de dbo.Account est calculée : elle ne peut pas être écrite.');
            ELSE IF @ColumnType IS NULL
                SET @Problem = CONCAT(N'la colonne ', QUOTENAME(@Column), N' est de type ', @DeclaredType,
                    N', que la réplication ne sait pas comparer : utilisez un type texte, numérique, date ou uniqueidentifier.');
            -- The UPDATE reads the column (its current value is compared) and writes it (Msg 229/230 otherwise).
            ELSE IF ISNULL(HAS_PERMS_BY_NAME(N'dbo.Account', N'OBJECT', N'SELECT', @Column, N'COLUMN'), 0) = 0
                 OR ISNULL(HAS_PERMS_BY_NAME(N'dbo.Account', N'OBJECT', N'UPDATE', @Column, N'COLUMN'), 0) = 0
                SET @Problem = CONCAT(N'la colonne ', QUOTENAME(@Column), N' de dbo.Account n''est pas lisible et modifiable par ', USER_NAME(),
                    N' : accordez SELECT et UPDATE sur cette colonne (docs/replication.md, « Droits ») ; ce champ garde son jeton et rattrapera son retard.');
            ELSE
            BEGIN
                SELECT TOP (1) @FirstParameter = F.ParameterName
                FROM @Field AS F
                WHERE F.FieldNo < @FieldNo AND F.Problem IS NULL AND F.ColumnName = @Column
                ORDER BY F.FieldNo;

                IF @FirstParameter IS NOT NULL
                    SET @Problem = CONCAT(N'la colonne ', QUOTENAME(@Column), N' est déjà alimentée par le paramètre ', @FirstParameter,
                        N' : gardez un seul paramètre par colonne.');
            END;
        END;

        IF @Problem IS NULL
            -- The full REPLI value check again at replication time: a row written around
            -- MC_setsysparams is refused here too (docs/security.md, "REPLI values").
            SET @Problem = dbo.MC_replivalueproblem(@Expression, dbo.MC_replicationfunctions());

        UPDATE @Field
        SET ColumnName = @Column, ColumnType = @ColumnType, Problem = @Problem
        WHERE FieldNo = @FieldNo;

        IF @Problem IS NOT NULL
        BEGIN
            SET @Message = CONCAT(N'Paramètre ', @ParameterName, N' ignoré : ', @Problem);
            EXEC dbo.MC_print @Message = @Message;
        END;
    END;

    ---------------------------------------------------------------------------------------------
    -- Validation fingerprints (docs/replication.md, "Validation fingerprint"): a field is compiled
    -- against F_COMPTET only when something that decides it changed since its last check
    -- (dbo.MC_ReplicationFieldCheck); otherwise the outcome kept is the field's, and no
    -- sys.dm_exec_describe_first_result_set runs.
    ---------------------------------------------------------------------------------------------
    SET @FieldList = CONVERT(nvarchar(max),
        (SELECT F.FieldNo AS [@no], F.ParameterName AS [@parameter], F.ColumnName AS [@column], F.ColumnType AS [@type], F.Expression AS [text()]
         FROM @Field AS F
         WHERE F.Problem IS NULL
         ORDER BY F.FieldNo
         FOR XML PATH(N'field'), ROOT(N'fields'), TYPE));

    -- The CRM functions the values call, as the engine resolves their names here; absent when not visible.
    SET @FunctionMetadata = CONVERT(nvarchar(max),
        (SELECT R.Name AS [@function], O.object_id AS [@id], O.type AS [@type], CONVERT(nvarchar(30), O.modify_date, 126) AS [@modified],
                P.parameter_id AS [@no], P.name AS [@parameter], P.system_type_id AS [@system], P.user_type_id AS [@user],
                P.max_length AS [@length], P.precision AS [@precision], P.scale AS [@scale], P.is_output AS [@output]
         FROM (SELECT X.f.value(N'@name', N'nvarchar(300)') AS Name
               FROM (SELECT CONVERT(xml, dbo.MC_replireferences(@FieldList, N'functions')) AS Document) AS D
               CROSS APPLY D.Document.nodes(N'/functions/function') AS X (f)) AS R
         INNER JOIN sys.objects AS O ON O.object_id = OBJECT_ID(R.Name)
         LEFT JOIN sys.parameters AS P ON P.object_id = O.object_id
         ORDER BY R.Name, P.parameter_id
         FOR XML PATH(N'p'), ROOT(N'functions'), TYPE));

    -- What else decides a compilation: the engine, the CRM database's level and collation, the user (its rights decide what it sees).
    SET @Engine = CONCAT(CONVERT(nvarchar(128), SERVERPROPERTY(N'ProductVersion')), N'|',
        (SELECT D.compatibility_level FROM sys.databases AS D WHERE D.database_id = DB_ID()), N'|',
        CONVERT(nvarchar(128), DATABASEPROPERTYEX(DB_NAME(), N'Collation')), N'|', USER_NAME());
    SET @Fingerprints = dbo.MC_replifingerprints(@GesComServer, @GesComDatabase, @FieldList, @GesComMetadata, @FunctionMetadata, @Engine);

    UPDATE F
    SET Fingerprint = N.Fingerprint, Stored = C.Fingerprint, StoredError = C.CheckError
    FROM @Field AS F
    INNER JOIN (SELECT X.f.value(N'@no', N'int') AS FieldNo, CONVERT(varbinary(32), X.f.value(N'@fingerprint', N'varchar(66)'), 1) AS Fingerprint
                FROM (SELECT CONVERT(xml, @Fingerprints) AS Document) AS D
                CROSS APPLY D.Document.nodes(N'/fingerprints/field') AS X (f)) AS N
        ON N.FieldNo = F.FieldNo
    LEFT JOIN dbo.MC_ReplicationFieldCheck AS C
        ON C.ErpIntegrationID = @ErpIntegrationID AND C.ParameterName = F.ParameterName;

    DECLARE @MustCompile bit;
    SET @FieldNo = 0;
    WHILE 1 = 1
    BEGIN
        SELECT TOP (1) @FieldNo = F.FieldNo, @ParameterName = F.ParameterName, @Expression = F.Expression,
               @Column = F.ColumnName, @ColumnType = F.ColumnType, @CheckError = F.StoredError,
               @MustCompile = CASE WHEN F.Stored = F.Fingerprint THEN 0 ELSE 1 END
        FROM @Field AS F
        WHERE F.FieldNo > @FieldNo AND F.Problem IS NULL
        ORDER BY F.FieldNo;

        IF @@ROWCOUNT = 0
            BREAK;

        IF @MustCompile = 1
        BEGIN
            SET @Check = dbo.MC_replicheck(@GesComServer, @GesComDatabase, @Expression, @ColumnType);
            EXEC dbo.MC_replidescribe @Check = @Check, @Error = @CheckError OUTPUT;
            SET @Compiled = @Compiled + 1;
            UPDATE @Field SET Checked = 1, CheckError = @CheckError WHERE FieldNo = @FieldNo;
        END;

        IF @CheckError IS NOT NULL
        BEGIN
            SET @Problem = CONCAT(N'la valeur « ', @Expression, N' » ne se compile pas sur ', @Qualifier,
                N'.dbo.F_COMPTET (colonne ', QUOTENAME(@Column), N' de type ', @ColumnType, N') : ', @CheckError);
            UPDATE @Field SET Problem = @Problem WHERE FieldNo = @FieldNo;
            SET @Message = CONCAT(N'Paramètre ', @ParameterName, N' ignoré : ', @Problem);
            EXEC dbo.MC_print @Message = @Message;
        END
        ELSE IF @Trace = 1
        BEGIN
            SET @Message = CONCAT(N'Champ ', @ParameterName, N' : ', QUOTENAME(@Column), N' (', @ColumnType, N') = ', @Expression, N' : vérifié',
                CASE WHEN @MustCompile = 1 THEN N'.' ELSE N' (métadonnées inchangées depuis la dernière vérification : pas de compilation).' END);
            EXEC dbo.MC_print @Message = @Message;
        END;
    END;

    ---------------------------------------------------------------------------------------------
    -- SQL Server's limits (dbo.MC_replilimits, "Maximum capacity specifications for SQL Server"):
    -- a field that would make the local table or a statement pass one is refused, in order.
    ---------------------------------------------------------------------------------------------
    SET @FieldList = CONVERT(nvarchar(max),
        (SELECT F.FieldNo AS [@no], F.ParameterName AS [@parameter], F.ColumnName AS [@column], F.ColumnType AS [@type], F.Expression AS [text()]
         FROM @Field AS F
         WHERE F.Problem IS NULL
         ORDER BY F.FieldNo
         FOR XML PATH(N'field'), ROOT(N'fields'), TYPE));
    DECLARE @Limits nvarchar(max) = dbo.MC_replilimits(@GesComServer, @GesComDatabase, @FieldList);
    IF @Limits IS NOT NULL
    BEGIN
        UPDATE F
        SET Problem = L.Problem
        FROM @Field AS F
        INNER JOIN (SELECT X.f.value(N'@no', N'int') AS FieldNo, X.f.value(N'text()[1]', N'nvarchar(max)') AS Problem
                    FROM (SELECT CONVERT(xml, @Limits) AS Document) AS D
                    CROSS APPLY D.Document.nodes(N'/refused/field') AS X (f)) AS L
            ON L.FieldNo = F.FieldNo;

        SET @Message = (SELECT STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'Paramètre ', F.ParameterName, N' ignoré : ', F.Problem)), NCHAR(10)) WITHIN GROUP (ORDER BY F.FieldNo)
                        FROM @Field AS F
                        WHERE F.FieldNo IN (SELECT X.f.value(N'@no', N'int') FROM (SELECT CONVERT(xml, @Limits) AS Document) AS D CROSS APPLY D.Document.nodes(N'/refused/field') AS X (f)));
        EXEC dbo.MC_print @Message = @Message;
    END;

    IF @Trace = 1
    BEGIN
        SET @Message = CONCAT(N'Vérification des champs : ', @Compiled, N' compilation(s) (sys.dm_exec_describe_first_result_set), ',
            (SELECT COUNT(*) FROM @Field AS F WHERE F.Fingerprint IS NOT NULL AND F.Checked = 0), N' champ(s) aux métadonnées inchangées, sans compilation.');
        EXEC dbo.MC_print @Message = @Message;
    END;

    DECLARE @FieldsApplied int = (SELECT COUNT(*) FROM @Field AS F WHERE F.Problem IS NULL);
    DECLARE @FieldsSkipped int = (SELECT COUNT(*) FROM @Field AS F WHERE F.Problem IS NOT NULL);
    DECLARE @FieldsFailed int = 0;

    ---------------------------------------------------------------------------------------------
    -- Watermarks, one per field (dbo.MC_ReplicationWatermark): a field reads from its own token,
    -- or from @tokenAccount when that is lower (a replay) or when the field is new.
    ---------------------------------------------------------------------------------------------
    DECLARE @Watermark TABLE (FieldNo int NOT NULL PRIMARY KEY, Stored int NULL, Token int NOT NULL);
    INSERT INTO @Watermark (FieldNo, Stored, Token)
    SELECT F.FieldNo, W.Token,
           CASE WHEN W.Token IS NULL OR @TokenFrom < W.Token THEN @TokenFrom ELSE W.Token END
    FROM @Field AS F
    LEFT JOIN dbo.MC_ReplicationWatermark AS W
        ON W.ErpIntegrationID = @ErpIntegrationID AND W.ParameterName = F.ParameterName
    WHERE F.Problem IS NULL;

    ---------------------------------------------------------------------------------------------
    -- 1. GesCom is read into local tables BEFORE any transaction of ours opens: no remote read
    --    runs inside a local transaction, and none under a savepoint (a transaction holding one
    --    cannot become distributed, Msg 3933: "SAVE TRANSACTION (Transact-SQL)").
    -- 2. The write is local: one UPDATE and the bookkeeping, in one transaction of our own, or
    --    in the caller's (no savepoint: the UPDATE is one statement, atomic by itself).
    -- 3. Isolation: when the statement of all the fields fails at run time (a value that does not
    --    convert on one tiers, say) in a transaction of our own, each field is run again ALONE,
    --    through the same builder (read, then write and its watermark, in its own transaction):
    --    a failing field is reported with its error and keeps its watermark, so that it catches
    --    up once fixed; the others advance. Inside a caller's transaction nothing can be retried
    --    (XACT_ABORT has doomed it, and no savepoint is taken): the error is the caller's.
    ---------------------------------------------------------------------------------------------
    DECLARE @Isolated bit = 0;
    DECLARE @Tried int = 0;
    DECLARE @Attempt TABLE (FieldNo int NOT NULL PRIMARY KEY);
    DECLARE @Columns nvarchar(max);
    DECLARE @Read nvarchar(max);
    DECLARE @Write nvarchar(max);
    DECLARE @ReadFrom int;
    DECLARE @TranCount int;
    DECLARE @Changed int;
    DECLARE @HighestRead int;
    DECLARE @HighestOfAll int = NULL;
    DECLARE @ErrorNumber int;
    DECLARE @ErrorLine int;
    DECLARE @ErrorMessage nvarchar(4000);
    DECLARE @Failed nvarchar(max) = N'';

    WHILE 1 = 1
    BEGIN
        -- The fields of this attempt: every valid one, or, once isolated, the next one alone.
        IF @Isolated = 1
        BEGIN
            SELECT TOP (1) @Tried = F.FieldNo
            FROM @Field AS F
            WHERE F.Problem IS NULL AND F.FieldNo > @Tried
            ORDER BY F.FieldNo;

            IF @@ROWCOUNT = 0
                BREAK;

            -- Compiled again, alone, whatever its fingerprint says: a field that no longer compiles
            -- (metadata changed since they were read) is isolated by its compilation, not run.
            SELECT @Check = dbo.MC_replicheck(@GesComServer, @GesComDatabase, F.Expression, F.ColumnType)
            FROM @Field AS F
            WHERE F.FieldNo = @Tried;
            EXEC dbo.MC_replidescribe @Check = @Check, @Error = @CheckError OUTPUT;
            SET @Compiled = @Compiled + 1;
            UPDATE @Field SET Checked = 1, CheckError = @CheckError WHERE FieldNo = @Tried;

            IF @CheckError IS NOT NULL
            BEGIN
                SET @FieldsFailed = @FieldsFailed + 1;
                UPDATE @Field
                SET Problem = CONCAT(N'la valeur « ', Expression, N' » ne se compile plus sur ', @Qualifier,
                    N'.dbo.F_COMPTET (colonne ', QUOTENAME(ColumnName), N' de type ', ColumnType, N') : ', @CheckError)
                WHERE FieldNo = @Tried;
                SELECT @Failed = CONCAT(@Failed, CASE WHEN @Failed <> N'' THEN N' ; ' END, F.ParameterName, N' (compilation : ', @CheckError, N')'),
                       @Message = CONCAT(N'Paramètre ', F.ParameterName, N' en échec : ', F.Problem,
                           N' Ce champ garde son jeton et rattrapera son retard une fois corrigé ; les autres champs avancent.')
                FROM @Field AS F
                WHERE F.FieldNo = @Tried;
                EXEC dbo.MC_print @Message = @Message;
                CONTINUE;
            END;
        END;

        DELETE FROM @Attempt;
        INSERT INTO @Attempt (FieldNo)
        SELECT F.FieldNo FROM @Field AS F WHERE F.Problem IS NULL AND (@Isolated = 0 OR F.FieldNo = @Tried);

        -- The attempt's fields as the XML list the CLR reads (FOR XML escapes every value); the
        -- builder numbers them 1, 2, ... in this order, the order of #MC_replicate_watermark below.
        SET @FieldList = CONVERT(nvarchar(max),
            (SELECT F.ParameterName AS [@parameter], F.ColumnName AS [@column], F.ColumnType AS [@type], F.Expression AS [text()]
             FROM @Field AS F
             WHERE F.FieldNo IN (SELECT A.FieldNo FROM @Attempt AS A)
             ORDER BY F.FieldNo
             FOR XML PATH(N'field'), ROOT(N'fields'), TYPE));

        -- Rows are read from the lowest of the attempt's tokens; the write applies each field's own.
        SET @ReadFrom = ISNULL((SELECT MIN(W.Token) FROM @Watermark AS W WHERE W.FieldNo IN (SELECT A.FieldNo FROM @Attempt AS A)), @TokenFrom);
        SET @Columns = dbo.MC_replistatement(@GesComServer, @GesComDatabase, @FieldList, N'columns');
        SET @Read = dbo.MC_replistatement(@GesComServer, @GesComDatabase, @FieldList, N'read');
        SET @Write = dbo.MC_replistatement(@GesComServer, @GesComDatabase, @FieldList, N'write');

        IF @Trace = 1
        BEGIN
            SET @Message = CONCAT(N'Lecture de GesCom (sp_executesql, @token = ', @ReadFrom, N', hors transaction) :', NCHAR(10), @Columns, NCHAR(10), @Read,
                NCHAR(10), N'Écriture dans dbo.Account (jeton propre à chaque champ) :', NCHAR(10), @Write);
            EXEC dbo.MC_print @Message = @Message;
        END;

        -- The statements' tables (ReplicationStatementBuilder.SourceTableDefinition and
        -- WatermarkTableDefinition), made again for each attempt: the columns differ.
        DROP TABLE IF EXISTS #MC_replicate_source;
        DROP TABLE IF EXISTS #MC_replicate_watermark;
        CREATE TABLE #MC_replicate_source (CT_Num nvarchar(100) COLLATE DATABASE_DEFAULT NULL, cbReplication int NULL);
        CREATE TABLE #MC_replicate_watermark (FieldNo int NOT NULL PRIMARY KEY, Token int NOT NULL);
        INSERT INTO #MC_replicate_watermark (FieldNo, Token)
        SELECT ROW_NUMBER() OVER (ORDER BY W.FieldNo), W.Token
        FROM @Watermark AS W
        WHERE W.FieldNo IN (SELECT A.FieldNo FROM @Attempt AS A);

        SET @TranCount = @@TRANCOUNT;
        SET @Changed = 0;
        SET @HighestRead = NULL;

        BEGIN TRY
            IF @Columns <> N''
                EXEC sys.sp_executesql @Columns;

            -- The read's parameters by position: @token, @NewToken OUTPUT.
            EXEC sys.sp_executesql
                @Read,
                N'@token int, @NewToken int OUTPUT',
                @ReadFrom,
                @HighestRead OUTPUT;

            IF @TranCount = 0
                BEGIN TRANSACTION;

            -- The write's parameter: @RowsChanged OUTPUT.
            EXEC sys.sp_executesql
                @Write,
                N'@RowsChanged int OUTPUT',
                @Changed OUTPUT;

            -- The attempt's fields move to the highest cbReplication read; the others keep their
            -- place (a field seen for the first time, even refused, is placed at the cycle's token;
            -- once isolated, that is done after the attempts, below).
            MERGE dbo.MC_ReplicationWatermark AS T
            USING
            (
                SELECT F.ParameterName,
                       -- Never backwards: a replay (a lower @tokenAccount) re-reads, and the token stays at least where it was.
                       CASE WHEN A.FieldNo IS NULL THEN @TokenFrom
                            WHEN @HighestRead IS NULL OR @HighestRead < ISNULL(W.Stored, W.Token) THEN ISNULL(W.Stored, W.Token)
                            ELSE @HighestRead END AS Token,
                       CASE WHEN A.FieldNo IS NULL THEN 0 ELSE 1 END AS Written
                FROM @Field AS F
                LEFT JOIN @Attempt AS A ON A.FieldNo = F.FieldNo
                LEFT JOIN @Watermark AS W ON W.FieldNo = F.FieldNo
                WHERE LEN(F.ParameterName) <= 200
                  AND (@Isolated = 0 OR A.FieldNo IS NOT NULL)
            ) AS S
                ON T.ErpIntegrationID = @ErpIntegrationID AND T.ParameterName = S.ParameterName
            WHEN MATCHED AND S.Written = 1 AND T.Token <> S.Token THEN
                UPDATE SET Token = S.Token, UpdatedAt = SYSDATETIME()
            WHEN NOT MATCHED BY TARGET THEN
                INSERT (ErpIntegrationID, ParameterName, Token) VALUES (@ErpIntegrationID, S.ParameterName, S.Token);

            -- The checks made in this cycle, with the watermarks (an isolated cycle keeps them after its attempts, below).
            IF @Isolated = 0
                MERGE dbo.MC_ReplicationFieldCheck AS T
                USING
                (
                    SELECT F.ParameterName, F.Fingerprint, F.CheckError
                    FROM @Field AS F
                    WHERE F.Checked = 1 AND F.Fingerprint IS NOT NULL AND LEN(F.ParameterName) <= 200
                ) AS S
                    ON T.ErpIntegrationID = @ErpIntegrationID AND T.ParameterName = S.ParameterName
                WHEN MATCHED THEN
                    UPDATE SET Fingerprint = S.Fingerprint, CheckError = S.CheckError, CheckedAt = SYSDATETIME()
                WHEN NOT MATCHED BY TARGET THEN
                    INSERT (ErpIntegrationID, ParameterName, Fingerprint, CheckError) VALUES (@ErpIntegrationID, S.ParameterName, S.Fingerprint, S.CheckError);

            SET @RowsChanged = @RowsChanged + ISNULL(@Changed, 0);
            IF @HighestRead > @HighestOfAll OR @HighestOfAll IS NULL
                SET @HighestOfAll = @HighestRead;
            SET @NewToken = ISNULL(@HighestOfAll, @tokenAccount);

            IF @Isolated = 0
                INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
                VALUES (@ErpIntegrationID, @tokenAccount, @NewToken, @FieldsApplied, @FieldsSkipped, @RowsChanged,
                    CASE WHEN @FieldsSkipped > 0 THEN N'warning' ELSE N'success' END,
                    CASE WHEN @FieldsSkipped > 0 THEN CONCAT(@FieldsSkipped, N' paramètre(s) REPLI_acc_*_repli ignoré(s), qui gardent leur jeton : voir les messages de la réplication.') END);

            IF @TranCount = 0
            BEGIN
                IF @Rollback = 1
                    ROLLBACK TRANSACTION;
                ELSE
                    COMMIT TRANSACTION;
            END;

            IF @Isolated = 0
                BREAK;
        END TRY
        BEGIN CATCH
            SET @ErrorNumber = ERROR_NUMBER();
            SET @ErrorLine = ERROR_LINE();
            SET @ErrorMessage = ERROR_MESSAGE();

            -- Roll back first, then record. Inside the caller's transaction nothing of ours can be
            -- undone alone (no savepoint): the error says so, and a doomed transaction is the caller's to roll back.
            IF @TranCount = 0 AND XACT_STATE() <> 0
                ROLLBACK TRANSACTION;

            IF @TranCount = 0 AND @Isolated = 0 AND @FieldsApplied > 1
            BEGIN
                -- Nothing of the combined attempt was kept: each field again, alone.
                SET @Isolated = 1;
                SET @RowsChanged = 0;
                SET @Message = CONCAT(N'La réplication des ', @FieldsApplied, N' champs ensemble a échoué (erreur ', @ErrorNumber, N') : ', @ErrorMessage,
                    N' Chaque champ est repris seul, pour isoler celui qui échoue.');
                EXEC dbo.MC_print @Message = @Message;
            END
            ELSE IF @TranCount = 0 AND @Isolated = 1
            BEGIN
                -- This field alone fails: it keeps its watermark and catches up once fixed.
                SET @FieldsFailed = @FieldsFailed + 1;
                UPDATE @Field
                SET Problem = CONCAT(N'échec à l''exécution (erreur ', @ErrorNumber, N') : ', @ErrorMessage)
                WHERE FieldNo = @Tried;
                SELECT @Failed = CONCAT(@Failed, CASE WHEN @Failed <> N'' THEN N' ; ' END, F.ParameterName, N' (erreur ', @ErrorNumber, N' : ', @ErrorMessage, N')'),
                       @Message = CONCAT(N'Paramètre ', F.ParameterName, N' en échec : ', F.Problem,
                           N' Ce champ garde son jeton et rattrapera son retard une fois corrigé ; les autres champs avancent.')
                FROM @Field AS F
                WHERE F.FieldNo = @Tried;
                EXEC dbo.MC_print @Message = @Message;
            END
            ELSE
            BEGIN
                SET @RowsChanged = 0;
                SET @NewToken = @tokenAccount;
                SET @Failure = LEFT(CONCAT(N'La réplication des champs GesCom de l''intégration ', @ErpIntegrationID,
                    N' a échoué (erreur ', @ErrorNumber, N', ligne ', @ErrorLine, N') : ', @ErrorMessage,
                    CASE WHEN @TranCount = 0
                         THEN CONCAT(N' Aucun tiers n''a été modifié et aucun jeton n''avance (', ISNULL(CONVERT(nvarchar(11), @tokenAccount), N'NULL'), N').')
                         ELSE N' Appelée dans une transaction ouverte : annulez-la (ROLLBACK), rien de la réplication ne doit être validé.' END,
                    N' Corrigez la cause puis relancez le cycle.'), 2048);
                EXEC dbo.MC_print @Message = @Failure;

                IF XACT_STATE() <> -1
                    INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
                    VALUES (@ErpIntegrationID, @tokenAccount, @tokenAccount, @FieldsApplied, @FieldsSkipped, 0, N'fail', @Failure);

                -- Never doom a caller's transaction that is still committable: RAISERROR there, THROW
                -- (the original error) everywhere else.
                IF @TranCount > 0 AND XACT_STATE() = 1
                BEGIN
                    RAISERROR(N'%s', 16, 1, @Failure);
                    RETURN 1;
                END;

                THROW;
            END;
        END CATCH;
    END;

    IF @Isolated = 1
    BEGIN
        SET @FieldsApplied = @FieldsApplied - @FieldsFailed;
        SET @FieldsSkipped = @FieldsSkipped + @FieldsFailed;

        -- A field refused or failing that has no watermark yet is placed at the cycle's token
        -- (one statement, atomic by itself); a simulation writes none.
        IF @Rollback = 0
            INSERT INTO dbo.MC_ReplicationWatermark (ErpIntegrationID, ParameterName, Token)
            SELECT @ErpIntegrationID, F.ParameterName, @TokenFrom
            FROM @Field AS F
            WHERE F.Problem IS NOT NULL
              AND LEN(F.ParameterName) <= 200
              AND NOT EXISTS (SELECT 1 FROM dbo.MC_ReplicationWatermark AS W
                              WHERE W.ErpIntegrationID = @ErpIntegrationID AND W.ParameterName = F.ParameterName);

        -- Every field was compiled again alone: the checks are kept (one statement, atomic by itself).
        IF @Rollback = 0
            MERGE dbo.MC_ReplicationFieldCheck AS T
            USING
            (
                SELECT F.ParameterName, F.Fingerprint, F.CheckError
                FROM @Field AS F
                WHERE F.Checked = 1 AND F.Fingerprint IS NOT NULL AND LEN(F.ParameterName) <= 200
            ) AS S
                ON T.ErpIntegrationID = @ErpIntegrationID AND T.ParameterName = S.ParameterName
            WHEN MATCHED THEN
                UPDATE SET Fingerprint = S.Fingerprint, CheckError = S.CheckError, CheckedAt = SYSDATETIME()
            WHEN NOT MATCHED BY TARGET THEN
                INSERT (ErpIntegrationID, ParameterName, Fingerprint, CheckError) VALUES (@ErpIntegrationID, S.ParameterName, S.Fingerprint, S.CheckError);

        SET @Failure = LEFT(CONCAT(@FieldsFailed, N' champ(s) en échec à l''exécution, qui gardent leur jeton : ', @Failed,
            CASE WHEN @FieldsSkipped > @FieldsFailed THEN CONCAT(N' ; ', @FieldsSkipped - @FieldsFailed, N' paramètre(s) ignoré(s) : voir les messages de la réplication.') END), 2048);

        IF @FieldsApplied = 0
        BEGIN
            -- Every field fails alone too: the cause is not one field's (GesCom unreachable, say).
            SET @RowsChanged = 0;
            SET @NewToken = @tokenAccount;
            SET @Failure = LEFT(CONCAT(N'La réplication des champs GesCom de l''intégration ', @ErpIntegrationID,
                N' a échoué pour chaque champ, repris seul : ', @Failed, N' Aucun jeton n''avance ; corrigez la cause puis relancez le cycle.'), 2048);
            EXEC dbo.MC_print @Message = @Failure;
            INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
            VALUES (@ErpIntegrationID, @tokenAccount, @tokenAccount, 0, @FieldsSkipped, 0, N'fail', @Failure);
            RAISERROR(N'%s', 16, 1, @Failure);
            RETURN 1;
        END;

        INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
        VALUES (@ErpIntegrationID, @tokenAccount, @NewToken, @FieldsApplied, @FieldsSkipped, @RowsChanged, N'warning', @Failure);
    END;

    IF @Trace = 1
    BEGIN
        SET @Message = CONCAT(N'Résultat : ', @RowsChanged, N' tiers CRM modifié(s) ; nouveau jeton ',
            ISNULL(CONVERT(nvarchar(11), @NewToken), N'NULL'), N' ; ', @FieldsApplied, N' champ(s) appliqué(s), ',
            @FieldsSkipped, N' ignoré(s).');
        EXEC dbo.MC_print @Message = @Message;
    END;

    RETURN 0;
END;
