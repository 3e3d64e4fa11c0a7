using System.Text;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>The bachsql log: its name, the reset of the component's earlier logs only, UTF-8, flushed after each batch.</summary>
public sealed class LogTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void The_log_is_named_date_bachsql_component()
    {
        Assert.Equal("20260307bachsql_CRMPLUS.log", BachsqlLogFiles.FileName("CRMPLUS", new DateTime(2026, 3, 7, 23, 59, 0)));
    }

    [Theory]
    [InlineData("20260101bachsql_A.log", "A", true)]
    [InlineData("20260101BACHSQL_a.LOG", "A", true)]
    [InlineData("20260101bachsql_A_B.log", "A", false)]
    [InlineData("20260101bachsql_A.B.log", "A", false)]
    [InlineData("20260101bachsql_AB.log", "A", false)]
    [InlineData("20260101bachsql_A.log.bak", "A", false)]
    [InlineData("2026010xbachsql_A.log", "A", false)]
    [InlineData("x20260101bachsql_A.log", "A", false)]
    [InlineData("20260101bachsql_A.B.log", "A.B", true)]
    public void Only_the_logs_of_exactly_this_component_are_its_logs(string file, string component, bool expected)
    {
        Assert.Equal(expected, BachsqlLogFiles.IsLogOf(file, component));
    }

    [Fact]
    public void A_run_replaces_the_component_s_earlier_logs_and_no_other_file()
    {
        Directory.CreateDirectory(fixture.Logs);
        string[] mine = ["20260101bachsql_A.log", "20260305bachsql_a.log"];
        string[] others = ["20260101bachsql_A_B.log", "20260101bachsql_AB.log", "20260101bachsql_A.B.log", "notes.txt", "20260101autre_A.log", "20260101bachsql_A.dry-run.log"];
        foreach (string name in mine.Concat(others))
        {
            File.WriteAllText(Path.Combine(fixture.Logs, name), "ancien");
        }

        fixture.Write("x.sql", "SELECT 1");

        fixture.Run(fixture.Request("A"));

        var left = Directory.GetFiles(fixture.Logs).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(others.Append("20260307bachsql_A.log").Order(StringComparer.Ordinal), left);
        Assert.Single(BachsqlLogFiles.Find(fixture.Logs, "A"));
    }

    [Fact]
    public void The_last_log_survives_until_the_run_is_connected_and_is_then_replaced_by_a_rename()
    {
        Directory.CreateDirectory(fixture.Logs);
        string today = fixture.LogPath("CRMPLUS");
        File.WriteAllText(today, "log du run de ce matin");
        fixture.Write("a.sql", "SELECT 1");
        string? atConnection = null;
        string[]? filesWhileRunning = null;
        fixture.Database.OnConnect = () => atConnection = File.ReadAllText(today);
        fixture.Database.Executor.OnExecute = _ => filesWhileRunning = Directory.GetFiles(fixture.Logs).Select(Path.GetFileName).ToArray()!;

        var (result, _) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("log du run de ce matin", atConnection);
        // While the scripts run, the log has its final name (no .partial left) beside the lock.
        Assert.Equal(["20260307bachsql_CRMPLUS.log", "bachsql_CRMPLUS.lock"], filesWhileRunning!.Order(StringComparer.Ordinal));
        Assert.StartsWith("crmdb run CRMPLUS", fixture.ReadLog("CRMPLUS").TrimStart('\uFEFF'), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dry_run_writes_its_own_log_and_never_touches_the_real_one()
    {
        Directory.CreateDirectory(fixture.Logs);
        string real = Path.Combine(fixture.Logs, "20260306bachsql_CRMPLUS.log");
        File.WriteAllText(real, "dernier vrai run");
        fixture.Write("a.sql", "SELECT 1");

        var (result, _) = fixture.Run(fixture.Request() with { DryRun = true });

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("dernier vrai run", File.ReadAllText(real));
        Assert.Equal(Path.Combine(fixture.Logs, "20260307bachsql_CRMPLUS.dry-run.log"), result.LogPath);
        Assert.Contains("crmdb run CRMPLUS (simulation)", File.ReadAllText(result.LogPath!), StringComparison.Ordinal);
        Assert.Equal(0, fixture.Database.Connections);
    }

    [Fact]
    public void A_run_refused_for_a_script_error_keeps_the_last_log_and_appends_a_dated_line_to_it()
    {
        Directory.CreateDirectory(fixture.Logs);
        string older = Path.Combine(fixture.Logs, "20260301bachsql_CRMPLUS.log");
        string last = Path.Combine(fixture.Logs, "20260306bachsql_CRMPLUS.log");
        File.WriteAllText(older, "plus ancien\r\n");
        File.WriteAllText(last, "dernier vrai run\r\n");
        fixture.Write("a.sql", "SELECT 'jamais fermé");

        var (result, _) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Equal("plus ancien\r\n", File.ReadAllText(older));
        string text = File.ReadAllText(last);
        Assert.StartsWith("dernier vrai run\r\n2026-03-07 09:30:00 +00:00 : tentative de crmdb run CRMPLUS non démarrée : 1 erreur(s) dans les scripts : rien n'a été exécuté.", text, StringComparison.Ordinal);
        Assert.Contains("a.sql, ligne 1 : chaîne '...' ouverte ici", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(0, fixture.Database.Connections);
        Assert.Equal(2, Directory.GetFiles(fixture.Logs).Length);
    }

    [Fact]
    public void The_log_ends_with_the_end_time_the_duration_and_the_exit_code()
    {
        fixture.Write("a.sql", "SELECT 1");

        fixture.Run(fixture.Request());

        Assert.EndsWith("Fin : 2026-03-07 09:30:00 +00:00, durée 00:00:00, code de sortie 0\r\n", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_log_is_UTF8_with_its_accents()
    {
        fixture.Write("é.sql", "PRINT N'Début de traitement'");

        fixture.Run(fixture.Request());

        byte[] bytes = File.ReadAllBytes(fixture.LogPath("CRMPLUS"));
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        string text = new UTF8Encoding(false, true).GetString(bytes[3..]);
        Assert.Contains("PRINT N'Début de traitement'", text, StringComparison.Ordinal);
        Assert.Contains("é.sql", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_finished_batch_is_in_the_file_before_the_next_one_runs()
    {
        // What a killed run leaves: read the file from outside while batch 2 runs.
        fixture.Write("a.sql", "PRINT N'premier lot'\nGO\nPRINT N'second lot'");
        string? seenDuringSecondBatch = null;
        fixture.Database.Executor.OnExecute = sql =>
        {
            if (sql.Contains("second", StringComparison.Ordinal))
            {
                seenDuringSecondBatch = fixture.ReadLog("CRMPLUS");
            }
        };

        fixture.Run(fixture.Request());

        Assert.NotNull(seenDuringSecondBatch);
        Assert.Contains("PRINT N'premier lot'", seenDuringSecondBatch, StringComparison.Ordinal);
        Assert.Contains("--- Fin du lot : 5 ms, 1 ligne(s), 0 erreur(s) ---", seenDuringSecondBatch, StringComparison.Ordinal);
        Assert.Contains("PRINT N'second lot'", seenDuringSecondBatch, StringComparison.Ordinal);
    }

    [Fact]
    public void The_log_folder_is_the_option_else_CRMDB_LOG_DIR_else_logs_under_the_current_directory()
    {
        Assert.Equal(Path.GetFullPath("elsewhere"), BachsqlLogFiles.ResolveDirectory("elsewhere"));
        if (Environment.GetEnvironmentVariable(BachsqlLogFiles.DirectoryVariable) is { Length: > 0 } configured)
        {
            Assert.Equal(Path.GetFullPath(configured), BachsqlLogFiles.ResolveDirectory(null));
        }
        else
        {
            Assert.Equal(Path.GetFullPath("logs"), BachsqlLogFiles.ResolveDirectory(null));
        }
    }
}
