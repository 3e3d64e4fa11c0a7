using System.Text.Json;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Run;

/// <summary>crmdb run and crmdb batches as a user types them (no server here: --dry-run and bad input).</summary>
public sealed class RunCliTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-cli-run-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string Logs => Path.Combine(folder, "logs");

    private string OnlyLog() => File.ReadAllText(Assert.Single(Directory.GetFiles(Logs)));

    [Fact]
    public void Dry_run_needs_no_connection_and_logs_every_batch_expanded()
    {
        string script = Write("scripts/010_tiers.sql", ":setvar Champ acc_numpayeur_repli\nUPDATE a SET $(Champ) = g.CT_NumPayeur\nFROM Account a JOIN #F_COMPTET# g ON a.acc_erp_account_id = g.CT_Num\nGO 2\nPRINT N'fin'");

        var result = CliRunner.Run("run", "CRMPLUS", Path.GetDirectoryName(script)!, "--dry-run", "--gescom-server", "SRVGC", "--gescom-database", "BIJOU", "--log-dir", Logs);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("[1/1] 010_tiers.sql : 2 lot(s) (simulation)", result.Out, StringComparison.Ordinal);
        Assert.Contains("rien n'a été exécuté", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", result.Out, StringComparison.Ordinal);
        string log = OnlyLog();
        Assert.EndsWith("bachsql_CRMPLUS.dry-run.log", Directory.GetFiles(Logs).Single(), StringComparison.Ordinal);
        Assert.Contains("Connexion : aucune (simulation)", log, StringComparison.Ordinal);
        Assert.Contains("--- Lot 1/2 (010_tiers.sql, ligne 2), serait exécuté 2 fois ---", log, StringComparison.Ordinal);
        Assert.Contains("UPDATE a SET acc_numpayeur_repli = g.CT_NumPayeur\r\nFROM Account a JOIN [SRVGC].[BIJOU].dbo.F_COMPTET g", log, StringComparison.Ordinal);
        Assert.Contains("PRINT N'fin'", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Dry_run_exit_status_reflects_script_errors_which_are_logged()
    {
        string script = Write("bad.sql", "SELECT 1\nGO\nSELECT /* jamais fermé");

        var result = CliRunner.Run("run", "CRMPLUS", script, "--dry-run", "--log-dir", Logs);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("bad.sql, ligne 3 : commentaire /* ouvert ici", result.Error, StringComparison.Ordinal);
        Assert.Contains("bad.sql, ligne 3", OnlyLog(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dry_run_in_English()
    {
        string script = Write("a.sql", "SELECT 1");

        var result = CliRunner.Run("run", "CRMPLUS", script, "--dry-run", "--log-dir", Logs, "--lang", "en");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Dry run done: 1 script(s), 1 batch(es) listed, nothing was run.", result.Out, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_real_run_without_a_connection_is_bad_usage()
    {
        Skip.If(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Connection.EnvironmentVariable)), "CRMDB_CONNECTION is set: a connection is configured.");
        string script = Write("a.sql", "SELECT 1");

        var result = CliRunner.Run("run", "CRMPLUS", script, "--log-dir", Logs);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("CRMDB_CONNECTION", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Logs));
    }

    [SkippableFact]
    public void Dry_run_with_an_integration_and_no_connection_asks_for_the_GesCom_database()
    {
        Skip.If(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Connection.EnvironmentVariable)), "CRMDB_CONNECTION is set: a connection is configured.");
        string script = Write("a.sql", "SELECT * FROM #F_COMPTET#");

        var result = CliRunner.Run("run", "CRMPLUS", script, "--dry-run", "--integration", "1", "--log-dir", Logs);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--gescom-database", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("a b")]
    public void A_component_that_is_not_a_safe_file_name_is_bad_usage(string component)
    {
        string script = Write("a.sql", "SELECT 1");

        var result = CliRunner.Run("run", component, script, "--dry-run", "--log-dir", Logs);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("invalide", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Logs));
    }

    [Fact]
    public void A_missing_path_is_bad_usage()
    {
        var result = CliRunner.Run("run", "CRMPLUS", Path.Combine(folder, "absent.sql"), "--dry-run", "--log-dir", Logs);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("absent.sql", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Integration_and_GesCom_database_together_are_bad_usage()
    {
        string script = Write("a.sql", "SELECT 1");

        var result = CliRunner.Run("run", "CRMPLUS", script, "--dry-run", "--integration", "1", "--gescom-database", "X", "--log-dir", Logs);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
    }

    [Fact]
    public void Batches_as_JSON_give_index_start_line_count_and_substituted_text()
    {
        string script = Write("b.sql", "\uFEFF-- en-tête\r\nSELECT '$(Who)'\r\nGO\r\n\r\nPRINT N'élan'\r\nGO 3 -- trois fois\r\n");

        var result = CliRunner.Run("batches", script, "--format", "json", "--variable", "Who=support");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(["index", "startLine", "count", "text"], items[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, items[0].GetProperty("index").GetInt32());
        Assert.Equal(1, items[0].GetProperty("startLine").GetInt32());
        Assert.Equal(1, items[0].GetProperty("count").GetInt32());
        Assert.Equal("-- en-tête\r\nSELECT 'support'", items[0].GetProperty("text").GetString());
        Assert.Equal(2, items[1].GetProperty("index").GetInt32());
        Assert.Equal(5, items[1].GetProperty("startLine").GetInt32());
        Assert.Equal(3, items[1].GetProperty("count").GetInt32());
        Assert.Equal("PRINT N'élan'", items[1].GetProperty("text").GetString());
    }

    [Fact]
    public void Batches_as_JSON_name_the_file_of_a_batch_that_starts_in_an_include()
    {
        Write("inc/part.sql", "SELECT 2");
        string script = Write("main.sql", "SELECT 1\nGO\n:r inc/part.sql");

        var result = CliRunner.Run("batches", script, "--format", "json");

        using var json = JsonDocument.Parse(result.Out);
        var second = json.RootElement[1];
        Assert.EndsWith("part.sql", second.GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.False(json.RootElement[0].TryGetProperty("file", out _));
    }

    [Fact]
    public void Batches_of_an_empty_script_is_an_empty_JSON_array()
    {
        string script = Write("empty.sql", "\n\nGO\n");

        var result = CliRunner.Run("batches", script, "--format", "json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(result.Out).RootElement.GetArrayLength());
    }

    [Fact]
    public void Batches_as_text_by_default()
    {
        string script = Write("t.sql", "SELECT 1\nGO 2\nSELECT 2");

        var result = CliRunner.Run("batches", script);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("-- lot 1 : ligne 1, exécuté 2 fois\nSELECT 1\n-- lot 2 : ligne 3, exécuté 1 fois\nSELECT 2\n", result.Out.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("SELECT 'x", "ligne 1")]
    [InlineData("SELECT 1\nSELECT $(Absente)", "$(Absente)")]
    [InlineData("SELECT 1\n:r boucle.sql", "boucle")]
    [InlineData(":connect srv", ":connect")]
    public void Batches_of_a_bad_script_exits_2_with_the_place(string text, string expected)
    {
        Write("boucle.sql", ":r boucle.sql");
        string script = Write("bad.sql", text);

        var result = CliRunner.Run("batches", script, "--format", "json");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void Batches_of_a_missing_file_or_with_a_bad_format_exits_2()
    {
        Assert.Equal(ExitCodes.BadInput, CliRunner.Run("batches", Path.Combine(folder, "absent.sql")).ExitCode);
        string script = Write("a.sql", "SELECT 1");
        Assert.Equal(ExitCodes.BadInput, CliRunner.Run("batches", script, "--format", "xml").ExitCode);
    }

    [Fact]
    public void Batches_with_no_variables_keeps_the_text()
    {
        string script = Write("js.sql", "UPDATE Custom_Captions SET Capt_FR = N'<script>$(document).ready()</script>'");

        Assert.Equal(ExitCodes.BadInput, CliRunner.Run("batches", script).ExitCode);
        var result = CliRunner.Run("batches", script, "--no-variables", "--format", "json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("$(document)", JsonDocument.Parse(result.Out).RootElement[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_shows_where_EXIT_ends_the_run_in_text_and_in_json()
    {
        string script = Write("exit.sql", "SELECT 1\nGO\nSELECT 2\nEXIT\nSELECT 3");

        var text = CliRunner.Run("batches", script);
        var json = CliRunner.Run("batches", script, "--format", "json");

        Assert.Equal(ExitCodes.Success, text.ExitCode);
        Assert.Equal("-- lot 1 : ligne 1, exécuté 1 fois\nSELECT 1\n-- EXIT ligne 4 : crmdb run s'arrête là\n", text.Out.ReplaceLineEndings("\n"));
        using var document = JsonDocument.Parse(json.Out);
        var items = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.True(items[1].GetProperty("endsRun").GetBoolean());
        Assert.Equal(4, items[1].GetProperty("startLine").GetInt32());
        Assert.False(items[0].TryGetProperty("endsRun", out _));
    }
}
