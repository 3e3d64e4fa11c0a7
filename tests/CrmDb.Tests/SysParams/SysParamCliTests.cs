using System.Globalization;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Commands;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.SysParams;

/// <summary>crmdb sysparam and crmdb modules, run as a user would, without a server.</summary>
public sealed class SysParamCliTests
{
    // Nothing listens there: a verb that connected would fail with exit 1 (SqlException), so an
    // exit 2 proves that the input was refused before any connection.
    private const string Unreachable = "Server=tcp:127.0.0.1,1;Database=CRM;Connect Timeout=1;Encrypt=False";

    public static TheoryData<string> HostileNames() =>
    [
        "",
        " ",
        "a b",
        "x];DROP TABLE Account--",
        "cleanUrl'; DELETE FROM Custom_SysParams; --",
        new string('x', 101),
        "paramètre",
        "\u0441leanUrl",
        "clean\turl",
    ];

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Sysparam_set_refuses_a_bad_name_with_exit_2_before_connecting(string name)
    {
        var result = CliRunner.Run("sysparam", "set", name, "x", "--connection", Unreachable);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("NOM", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("SQL Server", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Sysparam_get_refuses_a_bad_name_with_exit_2_before_connecting(string name)
    {
        var result = CliRunner.Run("sysparam", "get", name, "--connection", Unreachable);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void A_refused_character_is_named_with_its_position_in_French_and_in_English()
    {
        var french = CliRunner.Run("sysparam", "set", "x];DROP TABLE Account--", "1", "--connection", Unreachable);
        var english = CliRunner.Run("sysparam", "set", "x];DROP TABLE Account--", "1", "--connection", Unreachable, "--lang", "en");

        Assert.Contains("« ] » (position 2) n'est pas permis", french.Error, StringComparison.Ordinal);
        Assert.Contains("lettre ASCII (a-z, A-Z), chiffre (0-9) ou _", french.Error, StringComparison.Ordinal);
        Assert.Contains("']' (position 2) is not allowed", english.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was sent to the database", english.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_space_is_shown_as_its_code_point()
    {
        var result = CliRunner.Run("sysparam", "set", "a b", "x", "--connection", Unreachable, "--lang", "en");

        Assert.Contains("'U+0020' (position 2)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_of_101_characters_is_refused_with_its_length()
    {
        var result = CliRunner.Run("sysparam", "set", new string('a', 101), "x", "--connection", Unreachable, "--lang", "en");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("101 characters, 100 at most", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_name_does_try_to_connect_so_the_checks_above_are_not_vacuous()
    {
        var result = CliRunner.Run("sysparam", "set", "cleanUrl", "Y", "--connection", Unreachable);

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
    }

    [Theory]
    [InlineData("sales,foo", "foo")]
    [InlineData("ventes", "ventes")]
    [InlineData("3", "3")]
    [InlineData("sales,,service", "«  »")]
    public void Modules_set_refuses_an_unknown_module_with_exit_2_before_connecting(string list, string named)
    {
        var result = CliRunner.Run("modules", "set", list, "--connection", Unreachable);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        Assert.Contains("sales (Force de vente), service (Service client), marketing", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Modules_set_with_valid_modules_does_try_to_connect()
    {
        var result = CliRunner.Run("modules", "set", "sales,service", "--connection", Unreachable);

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
    }

    [Fact]
    public void Sysparam_set_without_its_value_is_bad_usage()
    {
        var result = CliRunner.Run("sysparam", "set", "cleanUrl", "--connection", Unreachable);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
    }

    [Theory]
    [InlineData("fr", "sysparam set", "MC_apply_param_<NOM>")]
    [InlineData("en", "sysparam set", "MC_apply_param_<NAME>")]
    [InlineData("fr", "sysparam get", "Code 1 si le paramètre est absent")]
    [InlineData("en", "sysparam get", "Exit code 1 when the parameter does not exist")]
    [InlineData("fr", "modules set", "sales (Force de vente, 1), service (Service client, 2), marketing (4)")]
    [InlineData("en", "modules set", "sales (Force de vente, 1), service (Service client, 2), marketing (4)")]
    [InlineData("fr", "modules", "édition")]
    [InlineData("en", "modules", "edition")]
    public void Help_explains_the_verb(string language, string verb, string expected)
    {
        var result = CliRunner.Run([.. verb.Split(' '), "--help", "--lang", language]);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains(expected, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Modules_prints_the_edition_and_one_line_per_module()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr");
        string text = ModulesCommand.Describe(3);
        string[] lines = text.Split(Environment.NewLine);

        Assert.Equal(4, lines.Length);
        Assert.Equal("MC_modules = 3 (sales,service) : édition Duo", lines[0]);
        Assert.Contains("sales", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(": oui", lines[1], StringComparison.Ordinal);
        Assert.Contains("Service client", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(": oui", lines[2], StringComparison.Ordinal);
        Assert.Contains("marketing", lines[3], StringComparison.Ordinal);
        Assert.EndsWith(": non", lines[3], StringComparison.Ordinal);
    }
}
