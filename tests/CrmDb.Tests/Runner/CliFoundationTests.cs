using System.CommandLine;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Runner;

/// <summary>crmdb run as a user would: arguments in, exit code and console text out.</summary>
public sealed class CliFoundationTests : IDisposable
{
    private readonly string work = Path.Combine(Path.GetTempPath(), "crmdb-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public static TheoryData<string> Verbs()
    {
        var data = new TheoryData<string>();
        var root = CrmDbApp.Build(new CliContext(TextReader.Null, TextWriter.Null, TextWriter.Null, false));
        foreach (string path in Walk(root, string.Empty))
        {
            data.Add(path);
        }

        return data;

        static IEnumerable<string> Walk(Command command, string prefix)
        {
            foreach (var sub in command.Subcommands)
            {
                string path = (prefix + " " + sub.Name).Trim();
                yield return path;
                foreach (string child in Walk(sub, path))
                {
                    yield return child;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Every_verb_has_help_in_French_and_in_English(string verb)
    {
        string[] words = verb.Split(' ');

        var french = CliRunner.Run([.. words, "--help"]);
        var english = CliRunner.Run([.. words, "--help", "--lang", "en"]);

        Assert.Equal(ExitCodes.Success, french.ExitCode);
        // The usage line names the verb after the executable's name (crmdb, or the test host
        // here), then its arguments if it has any (<NAME>, <PATH>...), then [options] or [command].
        string usage = " " + System.Text.RegularExpressions.Regex.Escape(verb) + @"( <[A-Z]+>(\.\.\.)?)* \[";
        Assert.Matches(usage, french.Out);
        Assert.Equal(ExitCodes.Success, english.ExitCode);
        Assert.Matches(usage, english.Out);
        Assert.NotEqual(french.Out, english.Out);
    }

    [Fact]
    public void The_root_help_documents_the_exit_codes()
    {
        var result = CliRunner.Run("--help", "--lang", "en");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0 done, 1 processing errors", result.Out, StringComparison.Ordinal);
        Assert.Contains("2 bad usage or input", result.Out, StringComparison.Ordinal);
        Assert.Contains("130 interrupted by the user", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-verb")]
    [InlineData("publish", "--no-such-option")]
    [InlineData("script")]
    [InlineData("tokens", "expand", "--gescom-server")]
    public void Bad_usage_exits_2(params string[] args)
    {
        var result = CliRunner.Run(args);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.NotEmpty(result.Error);
    }

    [Fact]
    public void An_unknown_language_exits_2_naming_the_choices()
    {
        var result = CliRunner.Run("--lang", "de", "--help");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("fr or en", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_expand_reads_standard_input_and_writes_the_expanded_sql()
    {
        var result = CliRunner.RunWithInput(
            "SELECT CT_Num FROM #F_COMPTET# G JOIN #P_REGLEMENT# P ON 1 = 1 JOIN #work# W ON 1 = 1",
            "tokens", "expand", "--gescom-server", "GESCOM01", "--gescom-database", "BIJOU");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("SELECT CT_Num FROM [GESCOM01].[BIJOU].dbo.F_COMPTET G JOIN [GESCOM01].[BIJOU].dbo.P_REGLEMENT P ON 1 = 1 JOIN #work# W ON 1 = 1", result.Out);
    }

    [Theory]
    [InlineData("", "[BIJOU].dbo.F_COMPTET")]
    [InlineData(".", "[BIJOU].dbo.F_COMPTET")]
    [InlineData("(local)", "[BIJOU].dbo.F_COMPTET")]
    [InlineData("localhost", "[BIJOU].dbo.F_COMPTET")]
    [InlineData("crm-sql01", "[BIJOU].dbo.F_COMPTET")]
    [InlineData("other", "[other].[BIJOU].dbo.F_COMPTET")]
    public void Tokens_expand_uses_three_part_names_on_the_local_instance(string server, string expected)
    {
        var result = CliRunner.RunWithInput("#F_COMPTET#", "tokens", "expand", "--gescom-server", server, "--gescom-database", "BIJOU", "--local-server", "CRM-SQL01");

        Assert.Equal(expected, result.Out);
    }

    [Fact]
    public void Tokens_expand_quotes_hostile_names_as_QUOTENAME_does()
    {
        var result = CliRunner.RunWithInput("#F_COMPTET#", "tokens", "expand", "--gescom-server", "a]b; DROP TABLE x--", "--gescom-database", "d 'q'");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("[a]]b; DROP TABLE x--].[d 'q'].dbo.F_COMPTET", result.Out);
    }

    [Theory]
    [InlineData("fr", "--gescom-database manque")]
    [InlineData("en", "--gescom-database is missing")]
    public void Tokens_expand_without_database_exits_2_with_a_clear_message(string language, string message)
    {
        var result = CliRunner.RunWithInput("#F_COMPTET#", "tokens", "expand", "--gescom-server", "S", "--lang", language);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Publish_without_a_connection_writes_script_and_report_for_an_empty_database_and_says_how_to_deploy()
    {
        string saved = Environment.GetEnvironmentVariable(Connection.EnvironmentVariable) ?? string.Empty;
        Environment.SetEnvironmentVariable(Connection.EnvironmentVariable, null);
        try
        {
            var result = CliRunner.Run("publish", "--dacpac", Repository.CrmDbDacpac, "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--output-dir", work);

            Assert.Equal(ExitCodes.Success, result.ExitCode);
            string script = File.ReadAllText(Path.Combine(work, "CrmDb.CRM.publish.sql"));
            string report = File.ReadAllText(Path.Combine(work, "CrmDb.CRM.DeployReport.xml"));
            Assert.Contains("CREATE PROCEDURE dbo.MC_print", script, StringComparison.Ordinal);
            Assert.Contains("sp_add_trusted_assembly", script, StringComparison.Ordinal);
            Assert.Contains("<DeploymentReport", report, StringComparison.Ordinal);
            Assert.Contains("sqlpackage /Action:Publish", result.Out, StringComparison.Ordinal);
            Assert.Contains("crmdb publish --connection", result.Out, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Connection.EnvironmentVariable, saved.Length == 0 ? null : saved);
        }
    }

    [Fact]
    public void Publish_with_a_missing_package_or_profile_exits_2_and_writes_nothing()
    {
        var noPackage = CliRunner.Run("publish", "--dacpac", Path.Combine(work, "none.dacpac"), "--output-dir", work);
        var noProfile = CliRunner.Run("publish", "--dacpac", Repository.CrmDbDacpac, "--profile", Path.Combine(work, "none.xml"), "--output-dir", work);

        Assert.Equal(ExitCodes.BadInput, noPackage.ExitCode);
        Assert.Contains("none.dacpac", noPackage.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, noProfile.ExitCode);
        Assert.Contains("none.xml", noProfile.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(work) && Directory.EnumerateFiles(work).Any());
    }

    [Fact]
    public void Publish_with_a_malformed_connection_string_exits_2()
    {
        var result = CliRunner.Run("publish", "--dacpac", Repository.CrmDbDacpac, "--connection", "this is not a connection string", "--output-dir", work);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("Server=", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_against_a_target_package_writes_the_script_only()
    {
        Directory.CreateDirectory(work);
        string target = CrmDb.Runner.Deployment.OfflineTarget.EmptyDatabase(work);
        string output = Path.Combine(work, "deploy.sql");

        var result = CliRunner.Run("script", "--output", output, "--target-dacpac", target, "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--variable", "Mode=test");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("CREATE PROCEDURE dbo.MC_print", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Script_refuses_a_target_package_and_a_connection_together()
    {
        var result = CliRunner.Run("script", "--output", Path.Combine(work, "x.sql"), "--target-dacpac", "a.dacpac", "--connection", "Server=x;Database=y");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.False(File.Exists(Path.Combine(work, "x.sql")));
    }

    [Theory]
    [InlineData("=x")]
    [InlineData("no-equals")]
    [InlineData("bad name=1")]
    public void A_malformed_variable_exits_2_naming_it(string variable)
    {
        var result = CliRunner.Run("script", "--output", Path.Combine(work, "x.sql"), "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--variable", variable);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(variable, result.Error, StringComparison.Ordinal);
    }
}
