/*
MC_replicate: replicates the GesCom fields declared in Custom_SysParams (REPLI_acc_<x>_repli, docs/design.md
decision 4) onto the CRM tiers (dbo.Account) for one integration, one way: GesCom to CRM.

A built-in step of every MC_runautosync cycle, run BEFORE the integrators' AUTOSYNC_ hooks, so
that hooks see the replicated values (docs/replication.md). It:
 1. reads the live REPLI_acc_%_repli parameters (Parm_Deleted IS NULL);
 2. checks each one: its column acc_<x>_repli exists on dbo.Account with a type it can compare;
    its value is one expression that compiles against the integration's F_COMPTET
    (sys.dm_exec_describe_first_result_set, which reports a compile error as a row instead of
    raising it). A bad entry is reported in French, naming the parameter and the reason, and
    skipped; the others go on;
 3. runs ONE statement, built by the CLR (dbo.MC_replistatement, shared C# tested in xunit),
    through sp_executesql with the watermark as a parameter: the F_COMPTET rows with
    cbReplication >= @tokenAccount are read into a local temporary table, then ONE UPDATE writes
    every valid field of the dbo.Account rows joined on acc_erp_account_id = CT_Num whose values
    differ (NULL-safe); in one transaction, or under a savepoint of the caller's;
 4. returns the rows written and the new watermark (the highest cbReplication read), and records
    the run in dbo.MC_ReplicationLog. MC_runautosync stores @NewToken as MC_Integration.LastToken.

The statement runs with the caller's rights (dynamic SQL): UPDATE on the acc_*_repli columns of
dbo.Account, SELECT on the GesCom tables, EXECUTE on the functions the values call.

Parameters
    @ErpIntegrationID int = NULL   the integration (dbo.MC_Integration) whose GesCom database is read. Required.
    @tokenAccount     int = NULL   watermark: only F_COMPTET rows with cbReplication >= @tokenAccount are
                                   read; NULL reads every row (first cycle, or a full replay)
    @Trace            bit = 0      1: also prints each field's check, the expanded statement and its results
    @RowsChanged      int OUTPUT   dbo.Account rows written (0 when nothing differed)
    @NewToken         int OUTPUT   the highest cbReplication read; @tokenAccount when no row was read
    @Help             bit = 0      1: prints this usage and does nothing else

Example
    DECLARE @Rows int, @Token int;
    EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = 1200, @Trace = 1,
        @RowsChanged = @Rows OUTPUT, @NewToken = @Token OUTPUT;

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_replicate
    -- Defaults NULL, though @ErpIntegrationID is required: so that EXEC dbo.MC_replicate @Help = 1
    -- runs, and a missing integration is refused in French below rather than by error 201.
    @ErpIntegrationID int = NULL,
    @tokenAccount     int = NULL,
    @Trace            bit = 0,
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
            N'dbo.MC_replicate 1.0.0 : réplication des champs GesCom déclarés (REPLI_acc_<x>_repli) vers dbo.Account.', NCHAR(10),
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

    IF EXISTS (SELECT 1 FROM @Problems)
    BEGIN
        DECLARE @ParameterErrors nvarchar(2048) =
            (SELECT STRING_AGG(P.Problem, NCHAR(10)) WITHIN GROUP (ORDER BY P.ProblemNo) FROM @Problems AS P);
        SET @Message = CONCAT(N'dbo.MC_replicate n''a rien fait :', NCHAR(10), @ParameterErrors);
        EXEC dbo.MC_print @Message = @Message;
        THROW 50000, @ParameterErrors, 1;
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
    -- The integration's F_COMPTET must be readable, or nothing can be replicated.
    ---------------------------------------------------------------------------------------------
    SET @Check = dbo.MC_replicheck(@GesComServer, @GesComDatabase, NULL, NULL);
    SELECT TOP (1) @CheckError = D.error_message
    FROM sys.dm_exec_describe_first_result_set(@Check, NULL, 0) AS D
    WHERE D.error_number IS NOT NULL;

    IF @@ROWCOUNT > 0
    BEGIN
        SET @Failure = LEFT(CONCAT(N'La table ', @Qualifier, N'.dbo.F_COMPTET de l''intégration ', @ErpIntegrationID,
            N' est illisible : ', @CheckError,
            N' Vérifiez GesComServer et GesComDatabase dans dbo.MC_Integration, le serveur lié et les droits de lecture.'), 2048);
        EXEC dbo.MC_print @Message = @Failure;
        INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
        VALUES (@ErpIntegrationID, @tokenAccount, @tokenAccount, 0, 0, 0, N'fail', @Failure);
        THROW 50000, @Failure, 1;
    END;

    ---------------------------------------------------------------------------------------------
    -- The declared fields, each checked; a bad one is reported and skipped.
    ---------------------------------------------------------------------------------------------
    DECLARE @Field TABLE
    (
        FieldNo       int IDENTITY(1, 1) NOT NULL PRIMARY KEY,
        ParameterName nvarchar(4000) COLLATE DATABASE_DEFAULT NOT NULL,
        Expression    nvarchar(max)  COLLATE DATABASE_DEFAULT NULL,
        ColumnName    nvarchar(128)  COLLATE DATABASE_DEFAULT NULL,
        ColumnType    nvarchar(128)  COLLATE DATABASE_DEFAULT NULL,
        Problem       nvarchar(max)  COLLATE DATABASE_DEFAULT NULL
    );

    -- '_' is a LIKE wildcard: escaped, so that only REPLI_acc_..._repli names match.
    INSERT INTO @Field (ParameterName, Expression)
    SELECT P.Parm_Name, P.Parm_Value
    FROM dbo.Custom_SysParams AS P
    WHERE P.Parm_Name LIKE N'REPLI[_]acc[_]%[_]repli'
      AND P.Parm_Deleted IS NULL
    ORDER BY P.Parm_Name;

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
            SET @Problem = dbo.MC_repliproblem(@Expression);

        IF @Problem IS NULL
        BEGIN
            SET @Check = dbo.MC_replicheck(@GesComServer, @GesComDatabase, @Expression, @ColumnType);
            SELECT TOP (1) @CheckError = D.error_message
            FROM sys.dm_exec_describe_first_result_set(@Check, NULL, 0) AS D
            WHERE D.error_number IS NOT NULL;

            IF @@ROWCOUNT > 0
                SET @Problem = CONCAT(N'la valeur « ', @Expression, N' » ne se compile pas sur ', @Qualifier,
                    N'.dbo.F_COMPTET (colonne ', QUOTENAME(@Column), N' de type ', @ColumnType, N') : ', @CheckError);
        END;

        UPDATE @Field
        SET ColumnName = @Column, ColumnType = @ColumnType, Problem = @Problem
        WHERE FieldNo = @FieldNo;

        IF @Problem IS NOT NULL
        BEGIN
            SET @Message = CONCAT(N'Paramètre ', @ParameterName, N' ignoré : ', @Problem);
            EXEC dbo.MC_print @Message = @Message;
        END
        ELSE IF @Trace = 1
        BEGIN
            SET @Message = CONCAT(N'Champ ', @ParameterName, N' : ', QUOTENAME(@Column), N' (', @ColumnType, N') = ', @Expression, N' : vérifié.');
            EXEC dbo.MC_print @Message = @Message;
        END;
    END;

    DECLARE @FieldsApplied int = (SELECT COUNT(*) FROM @Field AS F WHERE F.Problem IS NULL);
    DECLARE @FieldsSkipped int = (SELECT COUNT(*) FROM @Field AS F WHERE F.Problem IS NOT NULL);

    -- The valid fields as the XML list the CLR reads (FOR XML escapes every value).
    DECLARE @FieldList nvarchar(max) = CONVERT(nvarchar(max),
        (SELECT F.ParameterName AS [@parameter], F.ColumnName AS [@column], F.ColumnType AS [@type], F.Expression AS [text()]
         FROM @Field AS F
         WHERE F.Problem IS NULL
         ORDER BY F.FieldNo
         FOR XML PATH(N'field'), ROOT(N'fields'), TYPE));

    DECLARE @Statement nvarchar(max) = dbo.MC_replistatement(@GesComServer, @GesComDatabase, @FieldList);

    IF @Trace = 1
    BEGIN
        SET @Message = CONCAT(N'Requête exécutée (sp_executesql, @token = ', @TokenFrom, N') :', NCHAR(10), @Statement);
        EXEC dbo.MC_print @Message = @Message;
    END;

    ---------------------------------------------------------------------------------------------
    -- One statement, in one transaction (or under a savepoint of the caller's transaction).
    ---------------------------------------------------------------------------------------------
    DECLARE @TranCount int = @@TRANCOUNT;
    DECLARE @Changed int = 0;
    DECLARE @HighestRead int = NULL;

    BEGIN TRY
        IF @TranCount = 0
            BEGIN TRANSACTION;
        ELSE
            SAVE TRANSACTION MC_replicate;

        -- The statement's parameters by position: @token, @RowsChanged OUTPUT, @NewToken OUTPUT.
        EXEC sys.sp_executesql
            @Statement,
            N'@token int, @RowsChanged int OUTPUT, @NewToken int OUTPUT',
            @TokenFrom,
            @Changed OUTPUT,
            @HighestRead OUTPUT;

        SET @RowsChanged = ISNULL(@Changed, 0);
        SET @NewToken = ISNULL(@HighestRead, @tokenAccount);

        INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
        VALUES (@ErpIntegrationID, @tokenAccount, @NewToken, @FieldsApplied, @FieldsSkipped, @RowsChanged,
            CASE WHEN @FieldsSkipped > 0 THEN N'warning' ELSE N'success' END,
            CASE WHEN @FieldsSkipped > 0 THEN CONCAT(@FieldsSkipped, N' paramètre(s) REPLI_acc_*_repli ignoré(s) : voir les messages de la réplication.') END);

        IF @TranCount = 0
            COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        -- Our own transaction is rolled back; in the caller's, only our savepoint, and only while
        -- the transaction can still commit. A doomed caller transaction is the caller's to roll back.
        IF @TranCount = 0 AND XACT_STATE() <> 0
            ROLLBACK TRANSACTION;
        ELSE IF @TranCount > 0 AND XACT_STATE() = 1
            ROLLBACK TRANSACTION MC_replicate;

        SET @RowsChanged = 0;
        SET @NewToken = @tokenAccount;
        SET @Failure = LEFT(CONCAT(N'La réplication des champs GesCom de l''intégration ', @ErpIntegrationID,
            N' a échoué (erreur ', ERROR_NUMBER(), N', ligne ', ERROR_LINE(), N') : ', ERROR_MESSAGE(),
            N' Aucun tiers n''a été modifié et le jeton reste ', ISNULL(CONVERT(nvarchar(11), @tokenAccount), N'NULL'),
            N'. Corrigez la cause puis relancez le cycle.'), 2048);
        EXEC dbo.MC_print @Message = @Failure;

        IF XACT_STATE() <> -1
            INSERT INTO dbo.MC_ReplicationLog (ErpIntegrationID, TokenFrom, NewToken, FieldsApplied, FieldsSkipped, RowsChanged, Status, Message)
            VALUES (@ErpIntegrationID, @tokenAccount, @tokenAccount, @FieldsApplied, @FieldsSkipped, 0, N'fail', @Failure);

        THROW;
    END CATCH;

    IF @Trace = 1
    BEGIN
        SET @Message = CONCAT(N'Résultat : ', @RowsChanged, N' tiers CRM modifié(s) ; nouveau jeton ',
            ISNULL(CONVERT(nvarchar(11), @NewToken), N'NULL'), N' ; ', @FieldsApplied, N' champ(s) appliqué(s), ',
            @FieldsSkipped, N' ignoré(s).');
        EXEC dbo.MC_print @Message = @Message;
    END;

    RETURN 0;
END;
