using CrmDb.CodeAnalysis;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>CRMDB02: dynamic SQL only through sp_executesql.</summary>
public sealed class NoExecuteOfTextRuleTests
{
    [Fact]
    public void Exec_of_a_variable_of_concatenated_text_and_insert_exec_are_each_reported_on_their_line()
    {
        var findings = RuleHarness.Run(RuleIds.NoExecuteOfText, """
            CREATE PROCEDURE dbo.Bad @Table sysname
            AS
            BEGIN
                DECLARE @sql nvarchar(max) = N'SELECT 1 FROM ' + @Table;
                EXEC (@sql);
                EXECUTE (N'SELECT * FROM ' + @Table);
                CREATE TABLE #t (n int);
                INSERT #t (n) EXEC (@sql);
            END;
            """);

        Assert.Equal([5, 6, 8], findings.Select(f => f.Line));
        Assert.All(findings, f => Assert.Equal("CRMDB02", f.RuleId));
        Assert.Contains("sp_executesql", findings[0].Message);
    }

    [Fact]
    public void Sp_executesql_with_parameters_and_calls_of_procedures_are_not_reported()
    {
        var findings = RuleHarness.Run(RuleIds.NoExecuteOfText, """
            CREATE PROCEDURE dbo.Good @Id int
            AS
            BEGIN
                DECLARE @sql nvarchar(max) = N'SELECT Name FROM dbo.Target WHERE Id = @Id;';
                EXEC sys.sp_executesql @sql, N'@Id int', @Id = @Id;
                EXEC dbo.Other_proc @Id = @Id;
                DECLARE @proc nvarchar(300) = N'dbo.Other_proc';
                EXEC @proc @Id = @Id;
            END;
            """);

        Assert.Empty(findings);
    }
}
