/*
SysParamsTests: dbo.MC_setsysparams and dbo.MC_getsysparam (docs/sysparams.md).

tSQLt runs every test inside its own transaction, so each call below runs inside a caller's
transaction: MC_setsysparams works on a savepoint there. Test curative procedures fail with
RAISERROR, which leaves the transaction committable (an error that dooms it would end the test
itself); the engine tests in tests/CrmDb.Tests/SysParams cover calls without a transaction and
failures that doom it.
SetUp fakes Custom_SysParams and MC_SysParamAudit and spies on MC_print before each test; a test
creates the curative procedures it needs with CreateCurative (tSQLt rolls them back), and reads
the error of a refused call with SetCatchingError.
*/
EXEC tSQLt.NewTestClass 'SysParamsTests';
GO

CREATE PROCEDURE SysParamsTests.SetUp
AS
BEGIN
    EXEC tSQLt.FakeTable @TableName = N'dbo.Custom_SysParams';
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_SysParamAudit';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_print';
END;
GO

-- Creates the curative procedure dbo.<@Name> declaring <@Parameters>, whose body is <@Body>.
CREATE PROCEDURE SysParamsTests.CreateCurative
    @Name       sysname       = N'MC_apply_param_cleanurl',
    @Parameters nvarchar(max) = N'@value nvarchar(max)',
    @Body       nvarchar(max) = N'RETURN 0;'
AS
BEGIN
    DECLARE @Create nvarchar(max) = CONCAT(N'CREATE PROCEDURE dbo.', QUOTENAME(@Name), N' ', @Parameters, N' AS BEGIN ', @Body, N' END;');
    EXEC sys.sp_executesql @Create;
END;
GO

-- Calls dbo.MC_setsysparams and returns the message of the error it raised (NULL: none).
CREATE PROCEDURE SysParamsTests.SetCatchingError
    @name  nvarchar(max),
    @value nvarchar(max),
    @Error nvarchar(max) OUTPUT
AS
BEGIN
    SET @Error = NULL;
    BEGIN TRY
        EXEC dbo.MC_setsysparams @name = @name, @value = @value;
    END TRY
    BEGIN CATCH
        SET @Error = ERROR_MESSAGE();
    END CATCH;
END;
GO

CREATE PROCEDURE SysParamsTests.[test inserts a live row when the parameter does not exist]
AS
BEGIN
    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    SELECT Parm_Name, Parm_Value, Parm_Deleted INTO #Actual FROM dbo.Custom_SysParams;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'cleanUrl', N'Y', NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test a new row gets its creation and update dates]
AS
BEGIN
    DECLARE @Before datetime = DATEADD(SECOND, -1, GETDATE());

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    DECLARE @Stamped int = (SELECT COUNT(*) FROM dbo.Custom_SysParams
                            WHERE Parm_CreatedDate >= @Before AND Parm_UpdatedDate >= @Before AND Parm_TimeStamp >= @Before);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Stamped;
END;
GO

CREATE PROCEDURE SysParamsTests.[test updates the live row only and leaves deleted rows and other parameters alone]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_ParmId, Parm_Name, Parm_Value, Parm_Deleted, Parm_CreatedBy, Parm_UpdatedDate)
    VALUES (1, N'cleanUrl', N'N', NULL, 4, '20200101'),
           (2, N'cleanUrl', N'old', 1, 4, '20190101'),
           (3, N'Version', N'7.3', NULL, 1, '20190101');

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    SELECT Parm_ParmId, Parm_Name, Parm_Value, Parm_Deleted, Parm_CreatedBy,
           CASE WHEN Parm_UpdatedDate > '20200101' THEN 'stamped' ELSE CONVERT(varchar(8), Parm_UpdatedDate, 112) END AS Updated
    INTO #Actual FROM dbo.Custom_SysParams;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (1, N'cleanUrl', N'Y', NULL, 4, 'stamped'),
                            (2, N'cleanUrl', N'old', 1, 4, '20190101'),
                            (3, N'Version', N'7.3', NULL, 1, '20190101');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test matches the row by name as the column's collation does]
AS
BEGIN
    -- Custom_SysParams compares with its own collation (French_CI_AS here): CLEANURL is cleanUrl.
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');

    EXEC dbo.MC_setsysparams @name = N'CLEANURL', @value = N'Y';

    SELECT Parm_Name, Parm_Value INTO #Actual FROM dbo.Custom_SysParams;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'cleanUrl', N'Y');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test a change of case only is a change]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'y');

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    DECLARE @Exact int = (SELECT COUNT(*) FROM dbo.Custom_SysParams WHERE CONVERT(varbinary(10), Parm_Value) = CONVERT(varbinary(10), N'Y'));
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Exact;
    DECLARE @Action nvarchar(10) = (SELECT Action FROM dbo.MC_SysParamAudit);
    EXEC tSQLt.AssertEqualsString @Expected = N'update', @Actual = @Action;
END;
GO

CREATE PROCEDURE SysParamsTests.[test an unchanged value leaves the row alone and still runs the curative]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value, Parm_UpdatedDate) VALUES (N'cleanUrl', N'Y', '20200101');
    EXEC SysParamsTests.CreateCurative;
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_apply_param_cleanurl';

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    DECLARE @Updated datetime = (SELECT Parm_UpdatedDate FROM dbo.Custom_SysParams);
    DECLARE @Unchanged datetime = '20200101';
    EXEC tSQLt.AssertEquals @Expected = @Unchanged, @Actual = @Updated;
    DECLARE @Calls int = (SELECT COUNT(*) FROM dbo.MC_apply_param_cleanurl_SpyProcedureLog);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Calls;
    DECLARE @Printed int = (SELECT COUNT(*) FROM dbo.MC_print_SpyProcedureLog WHERE Message = N'Paramètre cleanUrl inchangé : la valeur est déjà « Y ».');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Printed;
END;
GO

CREATE PROCEDURE SysParamsTests.[test runs the curative procedure whatever the case of its name]
AS
BEGIN
    -- The guide's example: cleanUrl runs MC_apply_param_cleanurl.
    EXEC SysParamsTests.CreateCurative;
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_apply_param_cleanurl';

    EXEC dbo.MC_setsysparams 'cleanUrl', 'Y';

    SELECT value INTO #Actual FROM dbo.MC_apply_param_cleanurl_SpyProcedureLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'Y');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test an upper-case curative name is found from a lower-case parameter name]
AS
BEGIN
    EXEC SysParamsTests.CreateCurative @Name = N'MC_APPLY_PARAM_CLEANURL';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_APPLY_PARAM_CLEANURL';

    EXEC dbo.MC_setsysparams @name = N'cleanurl', @value = N'Y';

    DECLARE @Calls int = (SELECT COUNT(*) FROM dbo.MC_APPLY_PARAM_CLEANURL_SpyProcedureLog);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Calls;
END;
GO

CREATE PROCEDURE SysParamsTests.[test a procedure whose name only looks like the curative is not run]
AS
BEGIN
    -- Accents and width are not ignored: neither is cleanUrl's curative.
    EXEC SysParamsTests.CreateCurative @Name = N'MC_apply_param_cléanUrl', @Body = N'RAISERROR(N''accent ignoré à tort'', 16, 1);';
    EXEC SysParamsTests.CreateCurative @Name = N'MC_apply_param_ｃleanUrl', @Body = N'RAISERROR(N''largeur ignorée à tort'', 16, 1);';
    EXEC tSQLt.ExpectNoException;

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';
END;
GO

CREATE PROCEDURE SysParamsTests.[test without a curative procedure it says so and keeps the value]
AS
BEGIN
    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    DECLARE @Printed int = (SELECT COUNT(*) FROM dbo.MC_print_SpyProcedureLog
                            WHERE Message = N'Aucune procédure curative dbo.MC_apply_param_cleanUrl : rien d''autre à exécuter.');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Printed;
    DECLARE @Live nvarchar(max) = dbo.MC_getsysparam(N'cleanUrl');
    EXEC tSQLt.AssertEqualsString @Expected = N'Y', @Actual = @Live;
END;
GO

CREATE PROCEDURE SysParamsTests.[test passes only the parameters the curative declares, by their declared names]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');
    -- Declared in another order and case, without @value.
    EXEC SysParamsTests.CreateCurative @Parameters = N'@Previous_Value nvarchar(max), @NAME nvarchar(100)';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_apply_param_cleanurl';

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    SELECT Previous_Value, NAME INTO #Actual FROM dbo.MC_apply_param_cleanurl_SpyProcedureLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'N', N'cleanUrl');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    DECLARE @Printed int = (SELECT COUNT(*) FROM dbo.MC_print_SpyProcedureLog
                            WHERE Message = N'Procédure curative dbo.MC_apply_param_cleanurl : exécution (paramètres transmis : @Previous_Value, @NAME).');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Printed;
END;
GO

CREATE PROCEDURE SysParamsTests.[test previous value is NULL when the parameter did not exist]
AS
BEGIN
    EXEC SysParamsTests.CreateCurative @Parameters = N'@name nvarchar(100), @value nvarchar(max), @previous_value nvarchar(max)';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_apply_param_cleanurl';

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    SELECT name, value, previous_value INTO #Actual FROM dbo.MC_apply_param_cleanurl_SpyProcedureLog;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'cleanUrl', N'Y', NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test a failing curative keeps nothing and its error names it and repeats its message]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');
    EXEC SysParamsTests.CreateCurative
        @Body = N'UPDATE dbo.Custom_SysParams SET Parm_Value = N''touched by the curative''; RAISERROR(N''URL propres impossibles : IIS absent'', 16, 1);';
    DECLARE @Error nvarchar(max);

    EXEC SysParamsTests.SetCatchingError @name = N'cleanUrl', @value = N'Y', @Error = @Error OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'Échec de la procédure curative dbo.MC_apply_param_cleanurl pour cleanUrl : URL propres impossibles : IIS absent%',
        @Actual = @Error;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%cleanUrl garde la valeur « N »%', @Actual = @Error;
    SELECT Parm_Name, Parm_Value INTO #Actual FROM dbo.Custom_SysParams;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'cleanUrl', N'N');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test a curative returning a non-zero code counts as a failure]
AS
BEGIN
    EXEC SysParamsTests.CreateCurative @Body = N'RETURN 5;';
    DECLARE @Error nvarchar(max);

    EXEC SysParamsTests.SetCatchingError @name = N'cleanUrl', @value = N'Y', @Error = @Error OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'%dbo.MC_apply_param_cleanurl%renvoyé le code 5%', @Actual = @Error;
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.Custom_SysParams';
END;
GO

CREATE PROCEDURE SysParamsTests.[test refuses hostile names and writes nothing]
AS
BEGIN
    CREATE TABLE #Names (Name nvarchar(max) COLLATE DATABASE_DEFAULT NULL);
    INSERT #Names (Name)
    VALUES (NULL), (N''), (N' '), (N'x];DROP TABLE Account--'), (N'clean Url'), (N'cleanUrl '),
           (N'a''b'), (N'paramètre'), (N'ｃleanUrl'), (REPLICATE(N'x', 101)), (N'a' + NCHAR(9) + N'b');
    CREATE TABLE #Refused (Name nvarchar(max) COLLATE DATABASE_DEFAULT NULL, Error nvarchar(max) COLLATE DATABASE_DEFAULT NULL);
    DECLARE @Candidate nvarchar(max);
    DECLARE @Error nvarchar(max);
    DECLARE names CURSOR LOCAL FAST_FORWARD FOR SELECT Name FROM #Names;
    OPEN names;
    FETCH NEXT FROM names INTO @Candidate;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        EXEC SysParamsTests.SetCatchingError @name = @Candidate, @value = N'1', @Error = @Error OUTPUT;
        IF @Error IS NOT NULL
            INSERT #Refused (Name, Error) VALUES (@Candidate, @Error);
        FETCH NEXT FROM names INTO @Candidate;
    END;
    CLOSE names;
    DEALLOCATE names;

    DECLARE @Refused int = (SELECT COUNT(*) FROM #Refused
                            WHERE Error LIKE N'MC_setsysparams : rien n''a été écrit.%Paramètre @name : %lettre ASCII (a-z, A-Z), chiffre (0-9) ou _%');
    EXEC tSQLt.AssertEquals @Expected = 11, @Actual = @Refused;
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.Custom_SysParams';
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_SysParamAudit';
END;
GO

CREATE PROCEDURE SysParamsTests.[test reports every parameter problem at once]
AS
BEGIN
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'MC_setsysparams : rien n''a été écrit.%Paramètre @name : obligatoire.%Paramètre @value : obligatoire%EXEC dbo.MC_setsysparams @Help = 1;';

    EXEC dbo.MC_setsysparams @name = NULL, @value = NULL;
END;
GO

CREATE PROCEDURE SysParamsTests.[test Help prints the usage and writes nothing]
AS
BEGIN
    EXEC dbo.MC_setsysparams @Help = 1;

    DECLARE @Usage int = (SELECT COUNT(*) FROM dbo.MC_print_SpyProcedureLog WHERE Message LIKE N'MC_setsysparams %@previous_value%MC_SysParamAudit%');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Usage;
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.Custom_SysParams';
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.MC_SysParamAudit';
END;
GO

CREATE PROCEDURE SysParamsTests.[test several live rows with one name are refused and left as they are]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N'), (N'cleanUrl', N'O');
    DECLARE @Error nvarchar(max);

    EXEC SysParamsTests.SetCatchingError @name = N'cleanUrl', @value = N'Y', @Error = @Error OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'%2 lignes actives%cleanUrl%', @Actual = @Error;
    DECLARE @Untouched int = (SELECT COUNT(*) FROM dbo.Custom_SysParams WHERE Parm_Value IN (N'N', N'O'));
    EXEC tSQLt.AssertEquals @Expected = 2, @Actual = @Untouched;
    DECLARE @Live nvarchar(4000) = dbo.MC_getsysparam(N'cleanUrl');
    EXEC tSQLt.AssertEquals @Expected = NULL, @Actual = @Live;
END;
GO

CREATE PROCEDURE SysParamsTests.[test prints the old and the new value in French]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    DECLARE @Printed int = (SELECT COUNT(*) FROM dbo.MC_print_SpyProcedureLog
                            WHERE Message = N'Paramètre cleanUrl modifié : ancienne valeur « N », nouvelle valeur « Y ».');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Printed;
END;
GO

CREATE PROCEDURE SysParamsTests.[test inside a caller's transaction a curative failure rolls back to the savepoint only]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');
    EXEC SysParamsTests.CreateCurative @Body = N'RAISERROR(N''refusé'', 16, 1);';
    DECLARE @TranCountBefore int;
    DECLARE @TranCountAfter int;
    DECLARE @State int;
    DECLARE @Error nvarchar(max);

    BEGIN TRANSACTION;
    SET @TranCountBefore = @@TRANCOUNT;
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'CallerWork', N'kept');
    EXEC SysParamsTests.SetCatchingError @name = N'cleanUrl', @value = N'Y', @Error = @Error OUTPUT;
    SET @TranCountAfter = @@TRANCOUNT;
    SET @State = XACT_STATE();
    COMMIT TRANSACTION;

    EXEC tSQLt.AssertEquals @Expected = @TranCountBefore, @Actual = @TranCountAfter;
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @State;
    EXEC tSQLt.AssertLike @ExpectedPattern = N'%point de sauvegarde%la transaction de l''appelant reste ouverte%', @Actual = @Error;
    SELECT Parm_Name, Parm_Value INTO #Actual FROM dbo.Custom_SysParams;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'cleanUrl', N'N'), (N'CallerWork', N'kept');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test a curative that sets another parameter and fails keeps neither value inside a caller's transaction]
AS
BEGIN
    -- The outer call's rollback must reach its own savepoint, not the nested call's.
    EXEC SysParamsTests.CreateCurative @Name = N'MC_apply_param_outerparam',
        @Body = N'EXEC dbo.MC_setsysparams @name = N''innerParam'', @value = N''2'';';
    EXEC SysParamsTests.CreateCurative @Name = N'MC_apply_param_innerparam', @Body = N'RAISERROR(N''interne refusé'', 16, 1);';
    DECLARE @Error nvarchar(max);

    EXEC SysParamsTests.SetCatchingError @name = N'outerParam', @value = N'1', @Error = @Error OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'%interne refusé%', @Actual = @Error;
    EXEC tSQLt.AssertEmptyTable @TableName = N'dbo.Custom_SysParams';
    SELECT ParamName, Outcome INTO #Actual FROM dbo.MC_SysParamAudit;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'outerParam', N'failed');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test inside a caller's transaction a success neither commits nor closes it]
AS
BEGIN
    DECLARE @TranCountBefore int;
    DECLARE @TranCountAfter int;

    DECLARE @State int;

    BEGIN TRANSACTION;
    SET @TranCountBefore = @@TRANCOUNT;
    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';
    SET @TranCountAfter = @@TRANCOUNT;
    SET @State = XACT_STATE();
    -- Only the caller ends its transaction (a ROLLBACK here would also end tSQLt's; the engine
    -- tests check that a caller's rollback leaves nothing).
    COMMIT TRANSACTION;

    EXEC tSQLt.AssertEquals @Expected = @TranCountBefore, @Actual = @TranCountAfter;
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @State;
    DECLARE @Live nvarchar(max) = dbo.MC_getsysparam(N'cleanUrl');
    EXEC tSQLt.AssertEqualsString @Expected = N'Y', @Actual = @Live;
END;
GO

CREATE PROCEDURE SysParamsTests.[test records a successful change in the audit table]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');
    EXEC SysParamsTests.CreateCurative;

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    SELECT LoginName, ParamName, Action, OldValue, NewValue, CurativeProcedure, Outcome, ErrorMessage,
           CASE WHEN ChangedAt >= DATEADD(MINUTE, -1, SYSDATETIME()) THEN 1 ELSE 0 END AS Recent
    INTO #Actual FROM dbo.MC_SysParamAudit;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (ORIGINAL_LOGIN(), N'cleanUrl', N'update', N'N', N'Y', N'MC_apply_param_cleanurl', N'success', NULL, 1);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test records a failed curative in the audit table of the caller's transaction]
AS
BEGIN
    EXEC SysParamsTests.CreateCurative @Body = N'RAISERROR(N''refusé par la curative'', 16, 1);';
    DECLARE @Error nvarchar(max);

    EXEC SysParamsTests.SetCatchingError @name = N'cleanUrl', @value = N'Y', @Error = @Error OUTPUT;

    SELECT ParamName, Action, OldValue, NewValue, CurativeProcedure, Outcome, ErrorMessage INTO #Actual FROM dbo.MC_SysParamAudit;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'cleanUrl', N'insert', NULL, N'Y', N'MC_apply_param_cleanurl', N'failed', N'refusé par la curative');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test MC_getsysparam returns the live value and NULL when absent]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value, Parm_Deleted)
    VALUES (N'cleanUrl', N'Y', NULL), (N'gone', N'x', 1);

    SELECT Probe, dbo.MC_getsysparam(Probe) AS Value
    INTO #Actual
    FROM (VALUES (N'cleanUrl'), (N'CLEANURL'), (N'gone'), (N'absent'), (NULL)) AS p (Probe);
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'cleanUrl', N'Y'), (N'CLEANURL', N'Y'), (N'gone', NULL), (N'absent', NULL), (NULL, NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test a new parameter is refused naming the key column when it has neither IDENTITY nor a default]
AS
BEGIN
    -- FakeTable leaves every column nullable and without IDENTITY: make the key what an
    -- undocumented Sage version may have, a NOT NULL int that Sage allocates itself.
    ALTER TABLE dbo.Custom_SysParams ALTER COLUMN Parm_ParmId int NOT NULL;
    INSERT dbo.Custom_SysParams (Parm_ParmId, Parm_Name, Parm_Value) VALUES (7, N'other', N'x');
    DECLARE @Error nvarchar(max);

    EXEC SysParamsTests.SetCatchingError @name = N'cleanUrl', @value = N'Y', @Error = @Error OUTPUT;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'%cleanUrl n''existe pas%la colonne Parm_ParmId est obligatoire et n''a ni IDENTITY ni valeur par défaut%Créez le paramètre depuis Sage CRM%', @Actual = @Error;
    DECLARE @Rows int = (SELECT COUNT(*) FROM dbo.Custom_SysParams);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Rows;

    -- An existing row is still updated: only the allocation of a new key is Sage's.
    EXEC dbo.MC_setsysparams @name = N'other', @value = N'y';
    DECLARE @Value nvarchar(max) = dbo.MC_getsysparam(N'other');
    EXEC tSQLt.AssertEqualsString @Expected = N'y', @Actual = @Value;
END;
GO

CREATE PROCEDURE SysParamsTests.[test a new parameter is inserted when the NOT NULL key has a default]
AS
BEGIN
    ALTER TABLE dbo.Custom_SysParams ALTER COLUMN Parm_ParmId int NOT NULL;
    ALTER TABLE dbo.Custom_SysParams ADD CONSTRAINT DF_SysParamsTests_ParmId DEFAULT (42) FOR Parm_ParmId;

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';

    SELECT Parm_ParmId, Parm_Name, Parm_Value INTO #Actual FROM dbo.Custom_SysParams;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (42, N'cleanUrl', N'Y');
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE SysParamsTests.[test an ntext Parm_Value is read updated and inserted]
AS
BEGIN
    -- Some Sage versions declare Parm_Value ntext, on which MAX() fails (Msg 8117).
    ALTER TABLE dbo.Custom_SysParams DROP COLUMN Parm_Value;
    ALTER TABLE dbo.Custom_SysParams ADD Parm_Value ntext NULL;
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');

    DECLARE @Long nvarchar(max) = N'long ' + REPLICATE(CONVERT(nvarchar(max), N'x'), 5000);

    EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';
    EXEC dbo.MC_setsysparams @name = N'MC_other', @value = @Long;

    SELECT Parm_Name, CONVERT(nvarchar(max), Parm_Value) AS Parm_Value INTO #Actual FROM dbo.Custom_SysParams;
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (N'cleanUrl', N'Y'), (N'MC_other', @Long);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
    DECLARE @Printed int = (SELECT COUNT(*) FROM dbo.MC_print_SpyProcedureLog
                            WHERE Message = N'Paramètre cleanUrl modifié : ancienne valeur « N », nouvelle valeur « Y ».');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Printed;
    DECLARE @Read nvarchar(max) = dbo.MC_getsysparam(N'cleanUrl');
    EXEC tSQLt.AssertEqualsString @Expected = N'Y', @Actual = @Read;
END;
GO
