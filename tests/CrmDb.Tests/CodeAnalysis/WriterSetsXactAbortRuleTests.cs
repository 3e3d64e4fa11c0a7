using CrmDb.CodeAnalysis;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>CRMDB03: procedures that write to permanent tables SET XACT_ABORT ON first.</summary>
public sealed class WriterSetsXactAbortRuleTests
{
    [Theory]
    [InlineData("INSERT dbo.Target (Id) VALUES (1);")]
    [InlineData("UPDATE dbo.Target SET Name = N'x' WHERE Id = 1;")]
    [InlineData("DELETE dbo.Target WHERE Id = 1;")]
    [InlineData("MERGE dbo.Target AS t USING dbo.Other AS s ON t.Id = s.Id WHEN NOT MATCHED THEN INSERT (Id) VALUES (s.Id);")]
    [InlineData("TRUNCATE TABLE dbo.Target;")]
    [InlineData("UPDATE t SET Name = N'x' FROM dbo.Target AS t JOIN dbo.Other AS o ON o.Id = t.Id;")]
    public void A_write_to_a_permanent_table_without_xact_abort_is_reported_on_the_write(string write)
    {
        var findings = RuleHarness.Run(RuleIds.WriterSetsXactAbort, $"""
            CREATE PROCEDURE dbo.Writer
            AS
            BEGIN
                SET NOCOUNT ON;
                {write}
            END;
            """);

        var finding = Assert.Single(findings);
        Assert.Equal(5, finding.Line);
        Assert.Contains("Target", finding.Message);
        Assert.Contains("SET XACT_ABORT ON", finding.Message);
    }

    [Fact]
    public void Setting_xact_abort_only_after_the_first_write_is_reported()
    {
        var findings = RuleHarness.Run(RuleIds.WriterSetsXactAbort, """
            CREATE PROCEDURE dbo.Late
            AS
            BEGIN
                DELETE dbo.Target WHERE Id = 1;
                SET XACT_ABORT ON;
                DELETE dbo.Target WHERE Id = 2;
            END;
            """);

        Assert.Equal(4, Assert.Single(findings).Line);
    }

    [Fact]
    public void A_writer_that_sets_xact_abort_first_is_not_reported()
    {
        var findings = RuleHarness.Run(RuleIds.WriterSetsXactAbort, """
            CREATE PROCEDURE dbo.Writer
            AS
            BEGIN
                SET NOCOUNT ON;
                SET XACT_ABORT ON;
                INSERT dbo.Target (Id) VALUES (1);
                MERGE dbo.Target AS t USING dbo.Other AS s ON t.Id = s.Id WHEN MATCHED THEN DELETE;
            END;
            """);

        Assert.Empty(findings);
    }

    [Fact]
    public void Writes_to_temporary_tables_and_table_variables_only_are_not_reported()
    {
        var findings = RuleHarness.Run(RuleIds.WriterSetsXactAbort, """
            CREATE PROCEDURE dbo.Reader
            AS
            BEGIN
                SET NOCOUNT ON;
                CREATE TABLE #work (Id int, Name nvarchar(50));
                DECLARE @ids TABLE (Id int);
                INSERT #work (Id, Name) SELECT Id, Name FROM dbo.Target;
                UPDATE w SET Name = N'x' FROM #work AS w JOIN dbo.Other AS o ON o.Id = w.Id;
                DELETE @ids;
                INSERT @ids (Id) SELECT Id FROM dbo.Other;
                SELECT Id INTO #copy FROM dbo.Other;
                TRUNCATE TABLE #work;
                SELECT Id, Name FROM #work;
            END;
            """);

        Assert.Empty(findings);
    }
}
