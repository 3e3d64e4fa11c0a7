using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>Journal and rerun: succeeded unchanged scripts are skipped; failed, interrupted or changed ones run; --force runs all.</summary>
public sealed class JournalTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void A_rerun_skips_the_scripts_that_succeeded_unchanged()
    {
        fixture.Write("a.sql", "SELECT 1");
        fixture.Write("b.sql", "SELECT 2");
        fixture.Run(fixture.Request());
        fixture.Database.Executor.Executed.Clear();

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Empty(fixture.Database.Executor.Executed);
        Assert.Equal(2, result.ScriptsSkipped);
        Assert.Contains("[1/2] a.sql : déjà exécuté avec succès le 2026-01-02 03:04 et inchangé, ignoré", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_script_runs_again_and_a_succeeded_one_does_not()
    {
        fixture.Write("a.sql", "SELECT 1");
        fixture.Write("b.sql", "SELECT * FROM dbo.Absente");
        fixture.Database.Executor.Respond = sql => sql.Contains("Absente", StringComparison.Ordinal) ? [new ServerMessage(208, 16, 1, 1, null, "x")] : [];
        fixture.Run(fixture.Request());
        Assert.Equal([JournalEntry.Success, JournalEntry.Failed], fixture.Database.FakeJournal.Rows.Select(r => r.Status));

        // The integrator fixes b.sql (here: the fake database now has the table) and reruns.
        fixture.Database.Executor.Respond = _ => [];
        fixture.Database.Executor.Executed.Clear();
        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(["SELECT * FROM dbo.Absente"], fixture.Database.Executor.Executed);
        Assert.Contains("(en échec ou interrompu à la dernière exécution)", output, StringComparison.Ordinal);
        Assert.Equal(JournalEntry.Success, fixture.Database.FakeJournal.Rows[^1].Status);
    }

    [Fact]
    public void A_changed_script_runs_again()
    {
        string path = fixture.Write("a.sql", "SELECT 1");
        fixture.Run(fixture.Request());
        File.WriteAllText(path, "SELECT 1 + 1");
        fixture.Database.Executor.Executed.Clear();

        var (_, output) = fixture.Run(fixture.Request());

        Assert.Equal(["SELECT 1 + 1"], fixture.Database.Executor.Executed);
        Assert.Contains("modifié depuis sa dernière exécution réussie", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_variable_value_is_a_change()
    {
        fixture.Write("a.sql", "SELECT '$(Mode)'");
        fixture.Run(fixture.Request() with { Variables = new Dictionary<string, string> { ["Mode"] = "test" } });
        fixture.Database.Executor.Executed.Clear();

        fixture.Run(fixture.Request() with { Variables = new Dictionary<string, string> { ["Mode"] = "prod" } });

        Assert.Equal(["SELECT 'prod'"], fixture.Database.Executor.Executed);
    }

    [Fact]
    public void A_different_GesCom_database_is_a_change_for_a_script_with_tokens()
    {
        fixture.Write("a.sql", "SELECT * FROM #F_COMPTET#");
        fixture.Write("b.sql", "SELECT 1");
        fixture.Database.Integrations[1] = (string.Empty, "BIJOU");
        fixture.Database.Integrations[2] = (string.Empty, "AUTRE");
        fixture.Run(fixture.Request() with { Integration = 1 });
        fixture.Database.Executor.Executed.Clear();

        fixture.Run(fixture.Request() with { Integration = 2 });

        Assert.Equal(["SELECT * FROM [AUTRE].dbo.F_COMPTET"], fixture.Database.Executor.Executed);
    }

    [Fact]
    public void A_script_left_running_by_a_killed_run_runs_again()
    {
        fixture.Write("a.sql", "SELECT 1");
        fixture.Run(fixture.Request());
        var row = fixture.Database.FakeJournal.Rows[0];
        fixture.Database.FakeJournal.Rows[0] = row with { Status = JournalEntry.Running };
        fixture.Database.Executor.Executed.Clear();

        fixture.Run(fixture.Request());

        Assert.Single(fixture.Database.Executor.Executed);
    }

    [Fact]
    public void Force_runs_every_script()
    {
        fixture.Write("a.sql", "SELECT 1");
        fixture.Write("b.sql", "SELECT 2");
        fixture.Run(fixture.Request());
        fixture.Database.Executor.Executed.Clear();

        var (_, output) = fixture.Run(fixture.Request() with { Force = true });

        Assert.Equal(["SELECT 1", "SELECT 2"], fixture.Database.Executor.Executed);
        Assert.Contains("(--force)", output, StringComparison.Ordinal);
        Assert.Equal(4, fixture.Database.FakeJournal.Rows.Count);
    }

    [Fact]
    public void Journal_rows_name_the_component_the_script_and_its_checksum()
    {
        fixture.Write("a.sql", "SELECT 1");

        fixture.Run(fixture.Request("Comp.1"));

        var row = Assert.Single(fixture.Database.FakeJournal.Rows);
        Assert.Equal("Comp.1", row.Component);
        Assert.Equal("a.sql", row.Script);
        Assert.Matches("^[0-9A-F]{64}$", row.Checksum);
        Assert.Equal(JournalEntry.Success, row.Status);
    }

    [Fact]
    public void Journals_of_two_components_do_not_mix()
    {
        fixture.Write("a.sql", "SELECT 1");
        fixture.Run(fixture.Request("ONE"));
        fixture.Database.Executor.Executed.Clear();

        fixture.Run(fixture.Request("TWO"));

        Assert.Single(fixture.Database.Executor.Executed);
    }
}
