/*
TestEnvironmentTests: what `crmdb test` sets up before the other test classes run: the Sage CRM
vendor tables (reference model), the SQLCLR wrappers of CrmDb.dacpac, and the GesCom test
database named by the extended property crmdb_test.gescom_database (docs/testing.md).
*/
EXEC tSQLt.NewTestClass 'TestEnvironmentTests';
GO

CREATE PROCEDURE TestEnvironmentTests.[test the Sage CRM tables of the reference model are deployed]
AS
BEGIN
    EXEC tSQLt.AssertObjectExists @ObjectName = N'dbo.Account';
    EXEC tSQLt.AssertObjectExists @ObjectName = N'dbo.Custom_SysParams';
    EXEC tSQLt.AssertObjectExists @ObjectName = N'dbo.Company';
END;
GO

CREATE PROCEDURE TestEnvironmentTests.[test the CLR token expansion answers with a three-part name on the same instance]
AS
BEGIN
    DECLARE @Actual nvarchar(max);

    SET @Actual = dbo.MC_expandtokens(N'SELECT CT_Num FROM #F_COMPTET# WHERE CT_Num = N''#keep#''', N'', N'GESCOM');

    EXEC tSQLt.AssertEqualsString
        @Expected = N'SELECT CT_Num FROM [GESCOM].dbo.F_COMPTET WHERE CT_Num = N''#keep#''',
        @Actual = @Actual;
END;
GO

CREATE PROCEDURE TestEnvironmentTests.[test the GesCom test database named by the extended property holds F_COMPTET]
AS
BEGIN
    DECLARE @Database sysname =
        (SELECT CONVERT(sysname, value) FROM sys.extended_properties WHERE class = 0 AND name = N'crmdb_test.gescom_database');
    DECLARE @Count int;
    DECLARE @Sql nvarchar(max);

    IF @Database IS NULL
        EXEC tSQLt.Fail @Message0 = N'No GesCom test database: crmdb test did not find GesCom.dacpac (build tests/fixtures/GesCom or pass --gescom-dacpac).';

    SET @Sql = N'SELECT @Count = COUNT(*) FROM ' + QUOTENAME(@Database) + N'.sys.tables WHERE name = N''F_COMPTET'';';
    EXEC sys.sp_executesql @Sql, N'@Count int OUTPUT', @Count = @Count OUTPUT;

    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = @Count;
END;
GO
