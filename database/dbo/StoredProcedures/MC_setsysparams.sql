/*
MC_setsysparams: sets a Sage CRM global parameter (the live Custom_SysParams row, whose
Parm_Deleted IS NULL), then runs its curative procedure dbo.MC_apply_param_<name> when one
exists (docs/design.md decision 6). The guide's EXEC MC_setsysparams 'cleanUrl','Y'.

- @name is 1 to 100 ASCII letters, digits or _ (dbo.MC_issysparamname, the C# rule shared with
  crmdb); anything else is refused before anything is written.
- The row: updated when the value differs (Parm_Value, plus Parm_UpdatedDate and
  Parm_TimeStamp where the table has them); left alone when the value is the same; inserted
  when absent (Parm_Name, Parm_Value, Parm_Deleted NULL, plus Parm_CreatedDate,
  Parm_UpdatedDate and Parm_TimeStamp where the table has them). No other Sage column is
  written: the insert is refused, naming the column, when the table has a NOT NULL column
  that is neither IDENTITY nor defaulted (the key's allocation is Sage's, never MAX + 1).
  Parm_Value may be nvarchar(max) or ntext. Sage's audit columns are written through sp_executesql only where they exist,
  because the vendor's column set is not public: the procedure binds statically only to the
  columns the guide names (Parm_Name, Parm_Value, Parm_Deleted).
- The curative procedure is found in dbo by name, ignoring case (cleanUrl runs
  MC_apply_param_cleanurl), whatever the database's collation. It receives @name, @value and
  @previous_value (NULL when the parameter did not exist), each only if it declares it, by
  name. It runs in the same unit of work: when it fails (an error, or a non-zero return code)
  nothing of the call is kept and the error names it and repeats its message. It runs even
  when the value is unchanged, so that a curative can be triggered again.
- One transaction of its own, or a savepoint inside the caller's transaction: rolled back to
  only while the transaction is committable; the caller's work is never committed here. This is
  the one procedure that keeps a savepoint: a curative called inside a caller's transaction must
  not write through a linked server (docs/autosync.md, "Transactions"; docs/sysparams.md).
  A curative that commits or rolls back the transaction it was given is detected (@@TRANCOUNT
  before and after) and reported and audited as what it did.
- Every call past the parameter checks is recorded in dbo.MC_SysParamAudit (login,
  application, time, old and new value, curative, outcome). A failed call's row is written
  after the rollback when there is no caller's transaction; inside one it belongs to the
  caller's transaction (kept only if the caller commits).
- No EXECUTE AS: the procedure runs with its caller's rights, so a curative does too (whoever
  may create a procedure in dbo must not become dbo through it; docs/security.md). What the
  caller lacks is given by module signing, as Erland Sommarskog's "Packaging Permissions in
  Stored Procedures" (sommarskog.se/grantperm.html) and "Signing Stored Procedures in SQL Server"
  (learn.microsoft.com/dotnet/framework/data/adonet/sql/signing-stored-procedures-in-sql-server)
  describe: the post-deployment script (Scripts/Signing.sql) signs this procedure with the
  certificate MC_SysParamsSigning, whose user holds SELECT and UPDATE on dbo.Custom_SysParams
  (for the audit-column UPDATE run through sp_executesql, which breaks the ownership chain) and
  VIEW DEFINITION on schema dbo (to find the curative and its parameters in the catalog). The
  certificate user's rights are added to the caller's in this procedure and in the dynamic SQL
  it runs, never in the modules that SQL calls: the curative itself runs with the caller's
  rights only, so the caller needs EXECUTE on it (crmdb autosync's curative scaffold grants it to
  MC_integrator). Static statements on dbo tables reach them through the ownership chain.
  The audit records ORIGINAL_LOGIN(), the real caller.
- A REPLI_acc_<x>_repli value is checked before it is written (dbo.MC_replivalueproblem, with
  the allow-list dbo.MC_ReplicationFunction): it may read GesCom data only.
- A secret parameter's values (dbo.MC_issecretname) are shown as ******** in the messages to
  everyone but db_owner; the audit table keeps them, and the roles read it through
  dbo.MC_SysParamAuditMasked.

Parameters
    @name   nvarchar(max)  the parameter's name, e.g. N'cleanUrl'
    @value  nvarchar(max)  the new value; NULL is refused (N'' is an empty value)
    @Help   bit            1 prints this usage and does nothing else

Returns 0 when done, 1 on a refused parameter (with an error raised in both failure cases).

Example
    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';
    EXEC dbo.MC_setsysparams 'MC_modules', '3';

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_setsysparams
    @name  nvarchar(max) = NULL,
    @value nvarchar(max) = NULL,
    @Help  bit = 0
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @Version nvarchar(20) = N'1.0.0';
    DECLARE @NameRule nvarchar(400) = N'Un nom de paramètre compte 1 à 100 caractères, chacun lettre ASCII (a-z, A-Z), chiffre (0-9) ou _ (exemple : cleanUrl).';

    IF @Help = 1
    BEGIN
        DECLARE @Usage nvarchar(max) = CONCAT_WS(NCHAR(10),
            N'MC_setsysparams ' + @Version + N' : écrit un paramètre global Sage CRM (table Custom_SysParams), puis exécute sa procédure curative dbo.MC_apply_param_<nom> si elle existe.',
            N'',
            N'Paramètres',
            N'  @name   nom du paramètre. ' + @NameRule,
            N'  @value  nouvelle valeur (obligatoire ; N'''' pour une valeur vide).',
            N'  @Help   1 : affiche cette aide et ne fait rien d''autre.',
            N'',
            N'La procédure curative est cherchée dans le schéma dbo sans tenir compte de la casse (cleanUrl -> MC_apply_param_cleanurl).',
            N'Elle reçoit, si elle les déclare, @name, @value et @previous_value (NULL si le paramètre n''existait pas).',
            N'Elle s''exécute dans la même transaction, même si la valeur ne change pas : si elle échoue (erreur ou code retour non nul), rien n''est conservé.',
            N'Chaque appel est consigné dans dbo.MC_SysParamAudit (connexion, date, ancienne et nouvelle valeur, procédure curative, résultat).',
            N'',
            N'Exemples',
            N'  EXEC dbo.MC_setsysparams @name = N''cleanUrl'', @value = N''Y'';',
            N'  EXEC dbo.MC_setsysparams ''MC_modules'', ''3'';   -- 1 Force de vente + 2 Service client = Duo');
        EXEC dbo.MC_print @Message = @Usage;
        RETURN 0;
    END;

    ------------------------------------------------------------------------------------------
    -- 1. Parameters: every problem is collected, then all are raised together.
    ------------------------------------------------------------------------------------------
    DECLARE @Errors TABLE (ErrorID int IDENTITY(1, 1) PRIMARY KEY, Message nvarchar(1000) NOT NULL);
    DECLARE @ShownName nvarchar(200) = CASE WHEN LEN(@name) > 100 THEN LEFT(@name, 100) + N'…' ELSE @name END;

    IF @name IS NULL OR DATALENGTH(@name) = 0
        INSERT @Errors (Message) VALUES (N'Paramètre @name : obligatoire. ' + @NameRule);
    ELSE IF dbo.MC_issysparamname(@name) = 0
        INSERT @Errors (Message) VALUES (N'Paramètre @name : « ' + @ShownName + N' » refusé. ' + @NameRule);

    IF @value IS NULL
        INSERT @Errors (Message) VALUES (N'Paramètre @value : obligatoire (NULL refusé) ; pour une valeur vide, passez N''''.');

    -- A REPLI value is code run with the synchronisation login's rights: it may read GesCom
    -- data only (docs/security.md, "REPLI values"). MC_replicate checks it again when it runs.
    DECLARE @ValueProblem nvarchar(max);
    IF @value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @Errors) AND dbo.MC_replicolumn(@name) IS NOT NULL
    BEGIN
        SET @ValueProblem = dbo.MC_replivalueproblem(@value, dbo.MC_replicationfunctions());
        IF @ValueProblem IS NOT NULL
            INSERT @Errors (Message) VALUES (LEFT(N'Paramètre @value : valeur de champ répliqué refusée : ' + @ValueProblem
                + N' Vérifiez-la avant de la déclarer : crmdb replication check "VALEUR".', 1000));
    END;

    -- The curative procedure: matched ignoring case but not accents or width, whatever the
    -- database's collation, and only one (a case-sensitive database can hold two).
    DECLARE @Procedure sysname;
    DECLARE @ProcedureId int;
    DECLARE @ProcedureCount int = 0;
    DECLARE @Candidates nvarchar(max);

    IF NOT EXISTS (SELECT 1 FROM @Errors)
    BEGIN
        SELECT @ProcedureCount = COUNT(*),
               @ProcedureId = MIN(p.object_id),
               @Candidates = STRING_AGG(CONVERT(nvarchar(max), QUOTENAME(p.name)), N', ') WITHIN GROUP (ORDER BY p.name COLLATE Latin1_General_BIN2)
        FROM sys.procedures AS p
        WHERE p.schema_id = SCHEMA_ID(N'dbo')
          AND p.name COLLATE Latin1_General_CI_AS_KS_WS = (N'MC_apply_param_' + @name) COLLATE Latin1_General_CI_AS_KS_WS;

        IF @ProcedureCount > 1
            INSERT @Errors (Message)
            VALUES (N'Paramètre @name : plusieurs procédures curatives correspondent à « ' + @name + N' » sans tenir compte de la casse : '
                    + @Candidates + N'. Gardez-en une seule dans dbo (supprimez ou renommez les autres).');
        ELSE IF @ProcedureCount = 1
            SET @Procedure = OBJECT_NAME(@ProcedureId);
    END;

    IF EXISTS (SELECT 1 FROM @Errors)
    BEGIN
        DECLARE @ErrorList nvarchar(max);
        SELECT @ErrorList = STRING_AGG(CONVERT(nvarchar(max), Message), NCHAR(10)) WITHIN GROUP (ORDER BY ErrorID) FROM @Errors;
        -- RAISERROR takes no max-typed argument, and at most 2,047 characters.
        DECLARE @ErrorText nvarchar(2047) = LEFT(N'MC_setsysparams : rien n''a été écrit.' + NCHAR(10) + @ErrorList + NCHAR(10) + N'Aide : EXEC dbo.MC_setsysparams @Help = 1;', 2047);
        RAISERROR(N'%s', 16, 1, @ErrorText);
        RETURN 1;
    END;

    ------------------------------------------------------------------------------------------
    -- 2. The curative's arguments: @name, @value, @previous_value, whichever it declares, by
    --    the name it declares (ASCII letters and _ only reach the statement text).
    ------------------------------------------------------------------------------------------
    DECLARE @Arguments nvarchar(max);
    DECLARE @Passed nvarchar(200);
    DECLARE @Statement nvarchar(max);

    IF @Procedure IS NOT NULL
    BEGIN
        SELECT @Arguments = STRING_AGG(CONVERT(nvarchar(max), p.name + N' = '
                   + CASE p.name COLLATE Latin1_General_CI_AS_KS_WS
                         WHEN N'@name' THEN N'@MC_name'
                         WHEN N'@value' THEN N'@MC_value'
                         ELSE N'@MC_previous_value'
                     END), N', ') WITHIN GROUP (ORDER BY p.parameter_id),
               @Passed = STRING_AGG(p.name, N', ') WITHIN GROUP (ORDER BY p.parameter_id)
        FROM sys.parameters AS p
        WHERE p.object_id = @ProcedureId
          AND p.name COLLATE Latin1_General_CI_AS_KS_WS IN (N'@name', N'@value', N'@previous_value')
          AND p.name COLLATE Latin1_General_BIN2 NOT LIKE N'%[^@A-Za-z_]%';

        SET @Statement = N'EXEC @MC_return = ' + QUOTENAME(N'dbo') + N'.' + QUOTENAME(@Procedure)
                       + ISNULL(N' ' + @Arguments, N'') + N';';
    END;

    ------------------------------------------------------------------------------------------
    -- 3. Write, run the curative, record: one unit of work.
    ------------------------------------------------------------------------------------------
    DECLARE @TranCount int = @@TRANCOUNT;
    -- Named after the nesting level: a curative that sets another parameter calls this procedure
    -- again, and ROLLBACK TRANSACTION <name> goes back to the LATEST savepoint of that name; with
    -- one fixed name the outer call's rollback would stop at the inner call's savepoint and keep
    -- the outer write it reports as undone.
    DECLARE @Savepoint nvarchar(32) = CONCAT(N'MC_setsysparams_', @@NESTLEVEL);
    DECLARE @Stage nvarchar(10) = N'write';
    DECLARE @Rows int;
    DECLARE @Previous nvarchar(max);
    DECLARE @Action nvarchar(10);
    DECLARE @Return int;
    DECLARE @Now datetime = GETDATE();
    DECLARE @Stamp nvarchar(max) = N'';
    DECLARE @Message nvarchar(max);
    DECLARE @CurativeShown nvarchar(200) = N'dbo.' + ISNULL(@Procedure, N'MC_apply_param_' + @name);
    -- A secret's values never reach the messages of a caller that is not db_owner.
    DECLARE @Secret bit = CASE WHEN ISNULL(IS_MEMBER(N'db_owner'), 0) = 0 AND dbo.MC_issecretname(@name) = 1 THEN 1 ELSE 0 END;
    DECLARE @ValueShown nvarchar(max) = CASE WHEN @Secret = 1 THEN N'********' ELSE N'« ' + @value + N' »' END;
    DECLARE @PreviousShown nvarchar(max);
    DECLARE @NameText nvarchar(100) = @name;

    BEGIN TRY
        IF @TranCount = 0
            BEGIN TRANSACTION;
        ELSE
            SAVE TRANSACTION @Savepoint;

        -- UPDLOCK, HOLDLOCK: two sessions setting the same new name cannot both insert it.
        -- MAX() refuses ntext (Msg 8117), which some Sage versions use for Parm_Value: read it
        -- as nvarchar(max), which works for both ("ntext, text, and image", learn.microsoft.com/sql/t-sql/data-types/ntext-text-and-image-transact-sql).
        SELECT @Rows = COUNT(*), @Previous = MAX(CONVERT(nvarchar(max), Parm_Value))
        FROM dbo.Custom_SysParams WITH (UPDLOCK, HOLDLOCK)
        WHERE Parm_Name = @name
          AND Parm_Deleted IS NULL;

        IF @Rows > 1
            RAISERROR(N'Custom_SysParams contient %d lignes actives (Parm_Deleted IS NULL) nommées « %s » : impossible de savoir laquelle modifier. Ne gardez qu''une ligne active par nom.', 16, 1, @Rows, @NameText);

        SET @PreviousShown = CASE WHEN @Rows = 0 THEN N'(absent)' WHEN @Secret = 1 AND @Previous IS NOT NULL THEN N'********' ELSE ISNULL(N'« ' + @Previous + N' »', N'NULL') END;
        -- Binary comparison: 'y' -> 'Y' is a change even under a case-insensitive collation.
        SET @Action = CASE
            WHEN @Rows = 0 THEN N'insert'
            WHEN @Previous IS NOT NULL AND CONVERT(varbinary(max), @Previous) = CONVERT(varbinary(max), @value) THEN N'unchanged'
            ELSE N'update'
        END;

        IF @Action = N'insert'
        BEGIN
            -- Sage does not document how it allocates the row's key. A NOT NULL column that is
            -- neither IDENTITY nor defaulted (nor computed, nor rowversion) would need a value
            -- chosen here, and MAX + 1 would race Sage's own allocation: refuse, naming it. Read
            -- at run time from sys.columns (is_identity, default_object_id: "sys.columns",
            -- learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-columns-transact-sql).
            DECLARE @Unfilled nvarchar(max);
            SELECT @Unfilled = STRING_AGG(CONVERT(nvarchar(max), c.name), N', ') WITHIN GROUP (ORDER BY c.column_id)
            FROM sys.columns AS c
            WHERE c.object_id = OBJECT_ID(N'dbo.Custom_SysParams')
              AND c.is_nullable = 0
              AND c.is_identity = 0
              AND c.is_computed = 0
              AND c.default_object_id = 0
              AND c.system_type_id <> 189 -- rowversion fills itself
              AND c.name NOT IN (N'Parm_Name', N'Parm_Value');
            IF @Unfilled IS NOT NULL
            BEGIN
                DECLARE @UnfilledText nvarchar(1000) = LEFT(@Unfilled, 1000);
                RAISERROR(N'le paramètre %s n''existe pas et ne peut pas être créé ici : dans Custom_SysParams, la colonne %s est obligatoire et n''a ni IDENTITY ni valeur par défaut. MC_setsysparams ne lui choisit pas de valeur (un MAX + 1 entrerait en concurrence avec l''attribution des identifiants par Sage CRM). Créez le paramètre depuis Sage CRM, puis relancez : MC_setsysparams le modifiera.', 16, 1, @NameText, @UnfilledText);
            END;

            INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value, Parm_Deleted)
            VALUES (@name, @value, NULL);
            IF COL_LENGTH(N'dbo.Custom_SysParams', N'Parm_CreatedDate') IS NOT NULL
                SET @Stamp += N', Parm_CreatedDate = @now';
        END
        ELSE IF @Action = N'update'
        BEGIN
            UPDATE dbo.Custom_SysParams
            SET Parm_Value = @value
            WHERE Parm_Name = @name
              AND Parm_Deleted IS NULL;
        END;

        IF @Action <> N'unchanged'
        BEGIN
            IF COL_LENGTH(N'dbo.Custom_SysParams', N'Parm_UpdatedDate') IS NOT NULL
                SET @Stamp += N', Parm_UpdatedDate = @now';
            IF COL_LENGTH(N'dbo.Custom_SysParams', N'Parm_TimeStamp') IS NOT NULL
                SET @Stamp += N', Parm_TimeStamp = @now';
            IF @Stamp <> N''
            BEGIN
                -- Fixed text: only the column list varies, and only among the names above.
                DECLARE @StampStatement nvarchar(max) = N'UPDATE dbo.Custom_SysParams SET ' + STUFF(@Stamp, 1, 2, N'')
                    + N' WHERE Parm_Name = @name AND Parm_Deleted IS NULL;';
                -- The statement's parameters by position (see database/reference/SqlServer).
                EXEC sys.sp_executesql @StampStatement, N'@name nvarchar(max), @now datetime', @name, @Now;
            END;
        END;

        SET @Message = CASE @Action
            WHEN N'insert' THEN N'Paramètre ' + @name + N' créé : ' + @ValueShown + N'.'
            WHEN N'update' THEN N'Paramètre ' + @name + N' modifié : ancienne valeur ' + @PreviousShown + N', nouvelle valeur ' + @ValueShown + N'.'
            ELSE N'Paramètre ' + @name + N' inchangé : la valeur est déjà ' + @ValueShown + N'.'
        END;
        EXEC dbo.MC_print @Message = @Message;

        IF @Procedure IS NULL
        BEGIN
            SET @Message = N'Aucune procédure curative ' + @CurativeShown + N' : rien d''autre à exécuter.';
            EXEC dbo.MC_print @Message = @Message;
        END
        ELSE
        BEGIN
            SET @Message = N'Procédure curative ' + @CurativeShown + N' : exécution (paramètres transmis : ' + ISNULL(@Passed, N'aucun') + N').';
            EXEC dbo.MC_print @Message = @Message;

            SET @Stage = N'curative';
            -- The statement's parameters by position: @MC_name, @MC_value, @MC_previous_value, @MC_return.
            EXEC sys.sp_executesql @Statement,
                N'@MC_name nvarchar(max), @MC_value nvarchar(max), @MC_previous_value nvarchar(max), @MC_return int OUTPUT',
                @name, @value, @Previous, @Return OUTPUT;
            IF @Return <> 0
                RAISERROR(N'elle a renvoyé le code %d (0 attendu).', 16, 1, @Return);
            SET @Stage = N'audit';

            SET @Message = N'Procédure curative ' + @CurativeShown + N' : terminée.';
            EXEC dbo.MC_print @Message = @Message;
        END;

        SET @Stage = N'audit';
        INSERT dbo.MC_SysParamAudit (ChangedAt, LoginName, ApplicationName, ParamName, Action, OldValue, NewValue, CurativeProcedure, Outcome, ErrorMessage)
        VALUES (SYSDATETIME(), ORIGINAL_LOGIN(), APP_NAME(), @name, @Action, @Previous, @value, @Procedure, N'success', NULL);

        IF @TranCount = 0
            COMMIT TRANSACTION;

        RETURN 0;
    END TRY
    BEGIN CATCH
        -- A curative that commits or rolls back the transaction it was given leaves fewer
        -- transactions than it found (SQL Server then raises error 266 at its end). Whether it
        -- committed shows in the row this call wrote: still there after a COMMIT, gone after a ROLLBACK.
        DECLARE @EndedByCurative bit = CASE WHEN @Stage = N'curative' AND @@TRANCOUNT < CASE WHEN @TranCount = 0 THEN 1 ELSE @TranCount END THEN 1 ELSE 0 END;
        DECLARE @CurativeKept bit = NULL;
        IF @EndedByCurative = 1 AND @Action IN (N'insert', N'update')
            SET @CurativeKept = CASE WHEN EXISTS (SELECT 1 FROM dbo.Custom_SysParams
                                                  WHERE Parm_Name = @name AND Parm_Deleted IS NULL
                                                    AND CONVERT(varbinary(max), CONVERT(nvarchar(max), Parm_Value)) = CONVERT(varbinary(max), @value))
                                     THEN 1 ELSE 0 END;
        DECLARE @Error nvarchar(2048) = ERROR_MESSAGE();
        DECLARE @ErrorNumber int = ERROR_NUMBER();
        DECLARE @ErrorLine int = ERROR_LINE();
        DECLARE @Outcome nvarchar(400);
        DECLARE @KeptShown nvarchar(400) = CASE
            WHEN @Rows IS NULL OR @Rows > 1 THEN N'Custom_SysParams n''a pas été modifiée'
            WHEN @Rows = 0 THEN @name + N' reste absent'
            ELSE @name + N' garde la valeur ' + CASE WHEN LEN(@PreviousShown) > 200 THEN LEFT(@PreviousShown, 200) + N'…' ELSE @PreviousShown END
        END;

        IF @TranCount = 0
        BEGIN
            IF XACT_STATE() <> 0
                ROLLBACK TRANSACTION;
            SET @Outcome = N'Rien n''a été conservé : ' + @KeptShown + N'.';
        END
        ELSE IF XACT_STATE() = 1
        BEGIN
            ROLLBACK TRANSACTION @Savepoint;
            SET @Outcome = N'Rien n''a été conservé de cet appel (retour au point de sauvegarde) : ' + @KeptShown + N' ; la transaction de l''appelant reste ouverte.';
        END
        ELSE IF XACT_STATE() = -1
            SET @Outcome = N'La transaction de l''appelant ne peut plus être validée (XACT_STATE() = -1) : annulez-la (ROLLBACK) ; rien ne sera conservé.';
        ELSE
            SET @Outcome = N'La transaction de l''appelant a été annulée pendant l''appel : rien n''a été conservé.';

        IF @EndedByCurative = 1
            SET @Outcome = CASE
                WHEN @CurativeKept = 1 THEN N'La procédure curative a validé (COMMIT) la transaction qu''elle avait reçue : la nouvelle valeur et ce qu''elle a écrit sont conservés'
                WHEN @CurativeKept = 0 THEN N'La procédure curative a annulé (ROLLBACK) la transaction qu''elle avait reçue : rien n''a été conservé'
                ELSE N'La procédure curative a validé ou annulé la transaction qu''elle avait reçue'
            END
            + CASE WHEN @TranCount > 0 THEN N', y compris le travail de l''appelant avant cet appel' ELSE N'' END
            + N'. Retirez le COMMIT ou le ROLLBACK de la procédure curative : signalez un échec par une erreur ou un code retour non nul.';

        SET @Message = CASE WHEN @Stage = N'curative'
                THEN N'Échec de la procédure curative ' + @CurativeShown + N' pour ' + @name + N' : '
                ELSE N'Échec de MC_setsysparams pour ' + @name + N' : '
            END
            + LEFT(@Error, 1500)
            + CASE WHEN @ErrorNumber <> 50000 THEN N' [erreur ' + CONVERT(nvarchar(12), @ErrorNumber) + N', ligne ' + CONVERT(nvarchar(12), @ErrorLine) + N']' ELSE N'' END
            + NCHAR(10) + @Outcome;

        -- The failed attempt is recorded where a row can still be written: after the rollback
        -- (no caller's transaction), or in the caller's transaction while it is committable.
        IF XACT_STATE() <> -1
        BEGIN
            BEGIN TRY
                INSERT dbo.MC_SysParamAudit (ChangedAt, LoginName, ApplicationName, ParamName, Action, OldValue, NewValue, CurativeProcedure, Outcome, ErrorMessage)
                VALUES (SYSDATETIME(), ORIGINAL_LOGIN(), APP_NAME(), @name, @Action, CASE WHEN @Rows = 1 THEN @Previous END, @value, @Procedure, N'failed',
                        CASE WHEN @EndedByCurative = 1 THEN LEFT(@Outcome, 2048) ELSE @Error END);
            END TRY
            BEGIN CATCH
                SET @Message += NCHAR(10) + N'(Échec non consigné dans dbo.MC_SysParamAudit : ' + ERROR_MESSAGE() + N')';
            END CATCH;
        END;

        -- RAISERROR, not THROW: THROW under XACT_ABORT would doom the caller's transaction
        -- that the savepoint has just kept committable. No max-typed argument, 2,047 at most.
        DECLARE @FailureText nvarchar(2047) = LEFT(@Message, 2047);
        RAISERROR(N'%s', 16, 1, @FailureText);
        RETURN 1;
    END CATCH;
END;
