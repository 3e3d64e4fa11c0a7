using CrmDb.Clr.Replication;

namespace CrmDb.Tests.Replication;

/// <summary>
/// The REPLI value check (issue 14 item 1): a value reads GesCom data only. Each refusal names
/// the rule and the offending part; the French reason names the part too.
/// </summary>
public sealed class ReplicationValueParserTests
{
    private const string AllowList = "dbo.FCT_condpaiement";

    public static TheoryData<string> AcceptedValues => new(ReplicationValueCorpus.Accepted);

    public static TheoryData<string, string> RefusedValues
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach ((string value, string rule) in ReplicationValueCorpus.Refused)
            {
                data.Add(value, rule);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AcceptedValues))]
    public void A_value_that_reads_GesCom_data_only_is_accepted(string value)
    {
        ReplicationValueProblem? problem = ReplicationValueParser.Check(value, AllowList);

        Assert.True(problem is null, problem?.Rule + ": " + problem?.Message);
    }

    [Theory]
    [MemberData(nameof(RefusedValues))]
    public void A_value_that_could_read_or_run_anything_else_is_refused_by_its_rule(string value, string rule)
    {
        ReplicationValueProblem? problem = ReplicationValueParser.Check(value, AllowList);

        Assert.NotNull(problem);
        Assert.Equal(rule, problem.Rule);
        Assert.False(string.IsNullOrEmpty(problem.Message));
    }

    [Theory]
    [InlineData("(SELECT TOP (1) name FROM sys.sql_logins)", "sys.sql_logins")]
    [InlineData("(SELECT TOP (1) U.User_Logon FROM dbo.Users AS U)", "dbo.Users")]
    [InlineData("SUSER_SNAME()", "SUSER_SNAME")]
    [InlineData("OPENQUERY(SRV, 'SELECT 1')", "OPENQUERY")]
    [InlineData("@@SERVERNAME", "@@SERVERNAME")]
    [InlineData("master.dbo.F_COMPTET.CT_Num", "master.dbo.F_COMPTET.CT_Num")]
    public void The_refusal_names_the_offending_part(string value, string part)
    {
        ReplicationValueProblem? problem = ReplicationValueParser.Check(value, AllowList);

        Assert.NotNull(problem);
        Assert.Equal(part, problem.Part);
        Assert.Contains(part, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_allow_list_is_the_only_way_to_call_a_function_of_a_schema()
    {
        const string value = "dbo.FCT_encours(CT_Num)";

        Assert.Equal("function", ReplicationValueParser.Check(value, AllowList)?.Rule);
        Assert.Null(ReplicationValueParser.Check(value, "dbo.FCT_condpaiement, [dbo].[FCT_encours]"));
        // An empty list leaves built-ins only, the guide's function included.
        Assert.Equal("function", ReplicationValueParser.Check("dbo.FCT_condpaiement(CT_Num)", null)?.Rule);
        Assert.Null(ReplicationValueParser.Check("UPPER(CT_Num)", null));
    }

    [Fact]
    public void The_issue_list_of_built_ins_is_allowed()
    {
        string[] required =
        [
            "CONVERT", "CAST", "ISNULL", "COALESCE", "NULLIF", "CASE", "IIF", "CONCAT", "LEFT", "RIGHT", "SUBSTRING", "LTRIM", "RTRIM",
            "TRIM", "UPPER", "LOWER", "REPLACE", "LEN", "ROUND", "ABS", "DATEADD", "DATEDIFF", "YEAR", "MONTH", "DAY",
        ];
        string[] builtIns = ReplicationValueParser.BuiltInFunctions();

        // CONVERT, CAST, COALESCE, NULLIF and CASE have syntax of their own (the corpus accepts them); the others are calls.
        Assert.All(required.Except(["CONVERT", "CAST", "CASE"]), name => Assert.Contains(name, builtIns));
        Assert.DoesNotContain("NEWID", builtIns);
        Assert.DoesNotContain("SUSER_SNAME", builtIns);
    }
}
