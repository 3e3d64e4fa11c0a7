using System.Text.Json;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Replication;

/// <summary>crmdb replication check "VALUE": exit 0 accepted, 2 refused naming the part and the rule; --format json.</summary>
public sealed class ReplicationCheckCliTests
{
    [Fact]
    public void An_accepted_value_exits_0()
    {
        CliResult result = CliRunner.Run("replication", "check", "dbo.FCT_condpaiement(CT_Num)");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Valeur acceptée", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_value_exits_2_naming_the_part_and_the_rule_in_French_or_English()
    {
        CliResult french = CliRunner.Run("replication", "check", "(SELECT TOP (1) name FROM sys.sql_logins)");
        CliResult english = CliRunner.Run("replication", "check", "(SELECT TOP (1) name FROM sys.sql_logins)", "--lang", "en");

        Assert.Equal(2, french.ExitCode);
        Assert.Contains("« sys.sql_logins » enfreint la règle table", french.Error, StringComparison.Ordinal);
        Assert.Equal(2, english.ExitCode);
        Assert.Contains("'sys.sql_logins' breaks rule table", english.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", english.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_carries_the_verdict_the_rule_and_the_part()
    {
        CliResult refused = CliRunner.Run("replication", "check", "SUSER_SNAME()", "--format", "json");
        CliResult accepted = CliRunner.Run("replication", "check", "dbo.FCT_encours(CT_Num)", "--format", "json", "--allowed-functions", "dbo.FCT_encours");

        Assert.Equal(2, refused.ExitCode);
        using (var document = JsonDocument.Parse(refused.Out))
        {
            Assert.False(document.RootElement.GetProperty("accepted").GetBoolean());
            Assert.Equal("function", document.RootElement.GetProperty("rule").GetString());
            Assert.Equal("SUSER_SNAME", document.RootElement.GetProperty("part").GetString());
        }

        Assert.Equal(0, accepted.ExitCode);
        using var ok = JsonDocument.Parse(accepted.Out);
        Assert.True(ok.RootElement.GetProperty("accepted").GetBoolean());
    }
}
