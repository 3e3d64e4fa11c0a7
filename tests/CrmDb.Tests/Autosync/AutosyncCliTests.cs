using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Autosync;

/// <summary>crmdb integration, autosync and trace, run in-process: what needs no server.</summary>
public sealed class AutosyncCliTests : IDisposable
{
    private readonly string work = Path.Combine(Path.GetTempPath(), "crmdb-autosync-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void Autosync_new_writes_the_hook_file_named_after_order_and_label()
    {
        var result = CliRunner.Run("autosync", "new", "0301", "specif_repli", "--output-dir", work);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        string path = Path.Combine(work, "AUTOSYNC_0301_specif_repli.sql");
        Assert.Contains(path, result.Out, StringComparison.Ordinal);
        string text = File.ReadAllText(path);
        Assert.Contains("CREATE PROCEDURE dbo.AUTOSYNC_0301_specif_repli", text, StringComparison.Ordinal);
        SqlParsing.Parse(text);
    }

    [Theory]
    [InlineData("fr", "03a1", "specif", "ORDRE « 03a1 » : l'ordre ne contient que des chiffres")]
    [InlineData("en", "03a1", "specif", "ORDER '03a1': the order is digits only")]
    [InlineData("fr", "-1", "specif", "ORDRE « -1 »")]
    [InlineData("fr", "0301", "spécif-été", "LIBELLE « spécif-été » : le libellé ne contient que des lettres, des chiffres et _")]
    [InlineData("en", "0301", "a b", "LABEL 'a b': the label is letters, digits and _ only")]
    public void Autosync_new_with_a_bad_order_or_label_exits_2_and_writes_nothing(string language, string order, string label, string message)
    {
        var result = CliRunner.Run("autosync", "new", order, label, "--output-dir", work, "--lang", language);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(work));
    }

    [Fact]
    public void Autosync_new_keeps_an_existing_file_unless_forced()
    {
        Directory.CreateDirectory(work);
        string path = Path.Combine(work, "AUTOSYNC_0100_x.sql");
        File.WriteAllText(path, "-- mine");

        var refused = CliRunner.Run("autosync", "new", "0100", "x", "--output-dir", work);
        string kept = File.ReadAllText(path);
        var forced = CliRunner.Run("autosync", "new", "0100", "x", "--output-dir", work, "--force");

        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal("-- mine", kept);
        Assert.Equal(ExitCodes.Success, forced.ExitCode);
        Assert.Contains("CREATE PROCEDURE dbo.AUTOSYNC_0100_x", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("autosync", "new", "0301")]
    [InlineData("autosync", "run", "--status", "success")]
    [InlineData("autosync", "run", "--integration", "1")]
    [InlineData("autosync", "run", "--integration", "1", "--status", "ok")]
    [InlineData("autosync", "run", "--integration", "x", "--status", "success")]
    [InlineData("autosync", "run", "--integration", "1", "--status", "success", "--token", "-5")]
    [InlineData("trace", "--status", "done")]
    [InlineData("trace", "--token", "-1")]
    [InlineData("integration", "add", "1", "--gescom-database", "BIJOU")]
    [InlineData("integration", "add", "1", "--name", "Bijou")]
    [InlineData("integration", "add", "x", "--name", "Bijou", "--gescom-database", "BIJOU")]
    [InlineData("integration", "set", "1")]
    [InlineData("integration", "set", "1", "--active", "maybe")]
    [InlineData("integration", "set", "1", "--token", "-1")]
    [InlineData("integration", "remove")]
    public void Bad_usage_exits_2_before_connecting(params string[] args)
    {
        var result = CliRunner.Run([.. args, "--connection", "Server=nowhere.invalid;Database=crm;Connect Timeout=1"]);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.NotEmpty(result.Error);
    }

    [Fact]
    public void An_integration_name_too_long_for_the_table_exits_2()
    {
        var result = CliRunner.Run("integration", "add", "1", "--name", new string('n', 101), "--gescom-database", "BIJOU",
            "--connection", "Server=nowhere.invalid;Database=crm;Connect Timeout=1");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("100", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("integration", "list")]
    [InlineData("autosync", "list")]
    [InlineData("autosync", "run", "--integration", "1", "--status", "success")]
    [InlineData("trace")]
    public void Verbs_that_need_the_database_say_how_to_give_it(params string[] args)
    {
        string saved = Environment.GetEnvironmentVariable(Connection.EnvironmentVariable) ?? string.Empty;
        Environment.SetEnvironmentVariable(Connection.EnvironmentVariable, null);
        try
        {
            var result = CliRunner.Run(args);

            Assert.Equal(ExitCodes.BadInput, result.ExitCode);
            Assert.Contains(Connection.EnvironmentVariable, result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Connection.EnvironmentVariable, saved.Length == 0 ? null : saved);
        }
    }

    [Fact]
    public void Help_of_the_trace_says_everything_is_rolled_back_in_French_and_English()
    {
        var french = CliRunner.Run("trace", "--help");
        var english = CliRunner.Run("trace", "--help", "--lang", "en");

        Assert.Contains("tout étant annulé", french.Out, StringComparison.Ordinal);
        Assert.Contains("everything rolled back", english.Out, StringComparison.Ordinal);
        Assert.Contains("--output", english.Out, StringComparison.Ordinal);
    }
}
