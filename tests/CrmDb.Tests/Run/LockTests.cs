using CrmDb.Runner.Cli;

namespace CrmDb.Tests.Run;

/// <summary>A second run of a component while one is going fails fast and changes nothing.</summary>
public sealed class LockTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void When_the_component_lock_is_held_nothing_runs_and_the_earlier_log_stays()
    {
        Directory.CreateDirectory(fixture.Logs);
        string earlier = Path.Combine(fixture.Logs, "20260306bachsql_CRMPLUS.log");
        File.WriteAllText(earlier, "log du run en cours sur un autre poste");
        fixture.Write("a.sql", "SELECT 1");
        fixture.Database.LockFree = false;

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("Le composant CRMPLUS est déjà en cours de traitement sur la base CRM", output, StringComparison.Ordinal);
        Assert.Contains("Rien n'a été modifié", output, StringComparison.Ordinal);
        Assert.Equal("log du run en cours sur un autre poste", File.ReadAllText(earlier));
        Assert.False(File.Exists(fixture.LogPath("CRMPLUS")));
        Assert.Empty(fixture.Database.Executor.Executed);
        Assert.Empty(fixture.Database.FakeJournal.Rows);
    }
}
