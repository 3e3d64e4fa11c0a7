/*
ModulesTests: MC_modules (docs/design.md decision 5): dbo.MC_modules, dbo.MC_hasmodule,
dbo.MC_moduleedition (CLR) and the curative dbo.MC_apply_param_MC_modules run by
dbo.MC_setsysparams (docs/sysparams.md).
SetUp fakes Custom_SysParams and MC_SysParamAudit and spies on MC_print before each test.
*/
EXEC tSQLt.NewTestClass 'ModulesTests';
GO

CREATE PROCEDURE ModulesTests.SetUp
AS
BEGIN
    EXEC tSQLt.FakeTable @TableName = N'dbo.Custom_SysParams';
    EXEC tSQLt.FakeTable @TableName = N'dbo.MC_SysParamAudit';
    EXEC tSQLt.SpyProcedure @ProcedureName = N'dbo.MC_print';
END;
GO

CREATE PROCEDURE ModulesTests.[test MC_modules reads the stored number]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value, Parm_Deleted) VALUES (N'MC_modules', N'3', NULL), (N'MC_modules', N'7', 1);

    DECLARE @Flags int = dbo.MC_modules();

    EXEC tSQLt.AssertEquals @Expected = 3, @Actual = @Flags;
END;
GO

CREATE PROCEDURE ModulesTests.[test MC_modules is NULL when absent or not an integer 0 to 7]
AS
BEGIN
    CREATE TABLE #Stored (Value nvarchar(max) COLLATE DATABASE_DEFAULT NULL);
    -- The curative's rule on read too: TRY_CONVERT alone would read '', ' 3' and '+3' as numbers.
    INSERT #Stored (Value) VALUES (N'abc'), (N'9'), (N'-1'), (N''), (NULL), (N'3.5'), (N' 3'), (N'3 '), (N'+3'), (N'３');
    CREATE TABLE #Read (Value nvarchar(max) COLLATE DATABASE_DEFAULT NULL, Flags int NULL);
    DECLARE @Probe nvarchar(max);

    -- Absent first.
    INSERT #Read (Value, Flags) VALUES (N'(absent)', dbo.MC_modules());

    DECLARE stored CURSOR LOCAL FAST_FORWARD FOR SELECT Value FROM #Stored;
    OPEN stored;
    FETCH NEXT FROM stored INTO @Probe;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        DELETE dbo.Custom_SysParams;
        INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'MC_modules', @Probe);
        INSERT #Read (Value, Flags) VALUES (@Probe, dbo.MC_modules());
        FETCH NEXT FROM stored INTO @Probe;
    END;
    CLOSE stored;
    DEALLOCATE stored;

    DECLARE @NotNull int = (SELECT COUNT(*) FROM #Read WHERE Flags IS NOT NULL);
    DECLARE @Read int = (SELECT COUNT(*) FROM #Read);
    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @NotNull;
    EXEC tSQLt.AssertEquals @Expected = 11, @Actual = @Read;
END;
GO

CREATE PROCEDURE ModulesTests.[test MC_hasmodule is 1 only when every given bit is set]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'MC_modules', N'3');

    SELECT f.Flags, dbo.MC_hasmodule(f.Flags) AS Has
    INTO #Actual
    FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (0), (8), (-1), (NULL)) AS f (Flags);
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES (1, 1), (2, 1), (3, 1), (4, 0), (5, 0), (6, 0), (7, 0), (0, 0), (8, 0), (-1, 0), (NULL, 0);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE ModulesTests.[test MC_hasmodule is 0 when MC_modules is absent]
AS
BEGIN
    DECLARE @Has bit = dbo.MC_hasmodule(1);

    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @Has;
END;
GO

CREATE PROCEDURE ModulesTests.[test MC_moduleedition names every edition]
AS
BEGIN
    SELECT f.Flags, dbo.MC_moduleedition(f.Flags) AS Edition
    INTO #Actual
    FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (-1), (NULL)) AS f (Flags);
    SELECT TOP (0) * INTO #Expected FROM #Actual;
    INSERT #Expected VALUES
        (0, N'Aucun module'), (1, N'Force de vente'), (2, N'Service client'), (3, N'Duo'), (4, N'Marketing'),
        (5, N'Force de vente + Marketing'), (6, N'Service client + Marketing'), (7, N'Duo + Marketing'),
        (8, NULL), (-1, NULL), (NULL, NULL);
    EXEC tSQLt.AssertEqualsTable @Expected = N'#Expected', @Actual = N'#Actual';
END;
GO

CREATE PROCEDURE ModulesTests.[test setting MC_modules to 9 fails and keeps the old value]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'MC_modules', N'3');
    DECLARE @Error nvarchar(max);

    BEGIN TRY
        EXEC MC_setsysparams 'MC_modules', '9';
    END TRY
    BEGIN CATCH
        SET @Error = ERROR_MESSAGE();
    END CATCH;

    EXEC tSQLt.AssertLike @ExpectedPattern = N'Échec de la procédure curative dbo.MC_apply_param_MC_modules pour MC_modules : MC_modules : « 9 » refusé.%un entier de 0 à 7%MC_modules garde la valeur « 3 »%',
        @Actual = @Error;
    DECLARE @Flags int = dbo.MC_modules();
    EXEC tSQLt.AssertEquals @Expected = 3, @Actual = @Flags;
END;
GO

CREATE PROCEDURE ModulesTests.[test setting MC_modules refuses text, signs, spaces and empty values]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'MC_modules', N'1');
    CREATE TABLE #Values (Value nvarchar(max) COLLATE DATABASE_DEFAULT NOT NULL);
    INSERT #Values (Value) VALUES (N'trois'), (N'-1'), (N'+3'), (N' 3'), (N'3 '), (N''), (N'8'), (N'3.0'), (N'３');
    CREATE TABLE #Refused (Value nvarchar(max) COLLATE DATABASE_DEFAULT NOT NULL);
    DECLARE @Probe nvarchar(max);

    DECLARE refused CURSOR LOCAL FAST_FORWARD FOR SELECT Value FROM #Values;
    OPEN refused;
    FETCH NEXT FROM refused INTO @Probe;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        BEGIN TRY
            EXEC dbo.MC_setsysparams @name = N'MC_modules', @value = @Probe;
        END TRY
        BEGIN CATCH
            IF ERROR_MESSAGE() LIKE N'%dbo.MC_apply_param_MC_modules%refusé%'
                INSERT #Refused (Value) VALUES (@Probe);
        END CATCH;
        FETCH NEXT FROM refused INTO @Probe;
    END;
    CLOSE refused;
    DEALLOCATE refused;

    DECLARE @Count int = (SELECT COUNT(*) FROM #Refused);
    EXEC tSQLt.AssertEquals @Expected = 9, @Actual = @Count;
    DECLARE @Stored nvarchar(max) = dbo.MC_getsysparam(N'MC_modules');
    EXEC tSQLt.AssertEqualsString @Expected = N'1', @Actual = @Stored;
    DECLARE @Failed int = (SELECT COUNT(*) FROM dbo.MC_SysParamAudit WHERE Outcome = N'failed' AND CurativeProcedure = N'MC_apply_param_MC_modules');
    EXEC tSQLt.AssertEquals @Expected = 9, @Actual = @Failed;
END;
GO

CREATE PROCEDURE ModulesTests.[test setting MC_modules to 6 keeps it and prints the edition]
AS
BEGIN
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'MC_modules', N'3');

    EXEC dbo.MC_setsysparams @name = N'MC_modules', @value = N'6';

    DECLARE @Flags int = dbo.MC_modules();
    EXEC tSQLt.AssertEquals @Expected = 6, @Actual = @Flags;
    DECLARE @Printed int = (SELECT COUNT(*) FROM dbo.MC_print_SpyProcedureLog
                            WHERE Message = N'Modules Sage 100c CRM : 6 = Service client + Marketing (auparavant : Duo).');
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Printed;
END;
GO

CREATE PROCEDURE ModulesTests.[test MC_modules can be created and accepts leading zeros]
AS
BEGIN
    EXEC dbo.MC_setsysparams @name = N'MC_modules', @value = N'07';

    DECLARE @Flags int = dbo.MC_modules();
    EXEC tSQLt.AssertEquals @Expected = 7, @Actual = @Flags;
    DECLARE @Has bit = dbo.MC_hasmodule(4);
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Has;
END;
GO

CREATE PROCEDURE ModulesTests.[test a tab SQL clause on a module follows MC_modules]
AS
BEGIN
    -- The clause docs/sysparams.md gives for a Service client tab.
    INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'MC_modules', N'1');
    DECLARE @ShownWithSales int = CASE WHEN dbo.MC_hasmodule(2) = 1 THEN 1 ELSE 0 END;

    EXEC dbo.MC_setsysparams @name = N'MC_modules', @value = N'3';
    DECLARE @ShownWithDuo int = CASE WHEN dbo.MC_hasmodule(2) = 1 THEN 1 ELSE 0 END;

    EXEC tSQLt.AssertEquals @Expected = 0, @Actual = @ShownWithSales;
    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @ShownWithDuo;
END;
GO
