using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>
/// One run per component and log folder: the lock file bachsql_COMPONENT.lock, taken first,
/// refused at once to a second run (exit 2, naming the holder), taken over from a dead process,
/// and per component. Two real processes show it holds on Linux, where FileShare is advisory.
/// </summary>
public sealed class LockTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private string LockPath(string component = "CRMPLUS") => ComponentLock.FileFor(fixture.Logs, component);

    [Fact]
    public void A_second_run_of_the_component_is_refused_at_once_naming_the_holder_and_changes_nothing()
    {
        Directory.CreateDirectory(fixture.Logs);
        string earlier = Path.Combine(fixture.Logs, "20260306bachsql_CRMPLUS.log");
        File.WriteAllText(earlier, "log du dernier run");
        fixture.Write("a.sql", "SELECT 1");
        using var holder = ComponentLock.TryAcquire(LockPath(), new DateTimeOffset(2026, 3, 7, 9, 0, 0, TimeSpan.Zero), out _);
        Assert.NotNull(holder);

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(
            $"Le composant CRMPLUS est déjà en cours de traitement avec ce dossier de logs : le verrou {LockPath()} est tenu par le processus {Environment.ProcessId} sur le poste {Environment.MachineName} depuis 2026-03-07 09:00:00 +00:00.",
            output,
            StringComparison.Ordinal);
        Assert.Equal("log du dernier run", File.ReadAllText(earlier));
        Assert.False(File.Exists(fixture.LogPath("CRMPLUS")));
        Assert.Equal(0, fixture.Database.Connections);
    }

    [Fact]
    public void Another_component_runs_beside_a_held_lock_and_its_own_lock_goes_with_its_run()
    {
        Directory.CreateDirectory(fixture.Logs);
        fixture.Write("a.sql", "SELECT 1");
        using var holder = ComponentLock.TryAcquire(LockPath("OTHER"), DateTimeOffset.Now, out _);
        bool lockHeldDuringRun = false;
        fixture.Database.Executor.OnExecute = _ => lockHeldDuringRun = File.Exists(LockPath());

        var (result, _) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.True(lockHeldDuringRun);
        Assert.False(File.Exists(LockPath()));
        Assert.True(File.Exists(LockPath("OTHER")));
    }

    [Fact]
    public void A_lock_left_by_a_dead_process_is_taken_over_and_said_so()
    {
        Directory.CreateDirectory(fixture.Logs);
        File.WriteAllText(LockPath(), "424242\nPOSTE-MORT\n2026-03-06 22:00:00 +01:00\n");
        fixture.Write("a.sql", "SELECT 1");

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        string message = $"Verrou {LockPath()} laissé par le processus 424242 (poste POSTE-MORT, début 2026-03-06 22:00:00 +01:00), qui ne tourne plus : repris par cette exécution.";
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains(message, fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_server_lock_is_held_nothing_runs_and_the_attempt_is_dated_in_the_last_log()
    {
        Directory.CreateDirectory(fixture.Logs);
        string earlier = Path.Combine(fixture.Logs, "20260306bachsql_CRMPLUS.log");
        File.WriteAllText(earlier, "log du run en cours sur un autre poste\r\n");
        fixture.Write("a.sql", "SELECT 1");
        fixture.Database.LockFree = false;

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("Le composant CRMPLUS est déjà en cours de traitement sur la base CRM", output, StringComparison.Ordinal);
        Assert.Contains("Rien n'a été modifié", output, StringComparison.Ordinal);
        Assert.StartsWith(
            "log du run en cours sur un autre poste\r\n2026-03-07 09:30:00 +00:00 : tentative de crmdb run CRMPLUS non démarrée : Le composant CRMPLUS est déjà en cours de traitement sur la base CRM",
            File.ReadAllText(earlier),
            StringComparison.Ordinal);
        Assert.False(File.Exists(fixture.LogPath("CRMPLUS")));
        Assert.Empty(fixture.Database.Executor.Executed);
        Assert.Empty(fixture.Database.FakeJournal.Rows);
    }

    [SkippableFact]
    public void Two_real_processes_of_one_component_the_second_is_refused_naming_the_first()
    {
        Skip.If(OperatingSystem.IsWindows(), "the child is stopped with kill(1); on Windows the sharing violation is the operating system's own.");
        string scripts = Directory.CreateDirectory(Path.Combine(fixture.Root, "blocking")).FullName;
        File.WriteAllText(Path.Combine(scripts, "a.sql"), "WAITFOR DELAY '01:00:00'");
        string[] arguments = ["CRMPLUS", scripts, "--log-dir", fixture.Logs];
        using var first = ChildRun.Start(Path.Combine(fixture.Root, "journal1.txt"), "cancellable", arguments);
        Assert.True(first.WaitUntilBlocked(TimeSpan.FromSeconds(60)), first.Output + first.Error);
        string firstLog = File.ReadAllText(Assert.Single(Directory.GetFiles(fixture.Logs, "*.log")));

        using var second = ChildRun.Start(Path.Combine(fixture.Root, "journal2.txt"), "cancellable", arguments);
        int secondExit = second.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.BadInput, secondExit);
        Assert.Contains($"est tenu par le processus {first.Process.Id} sur le poste {Environment.MachineName}", second.Error, StringComparison.Ordinal);
        Assert.Empty(second.JournalRows);
        // The first run's log is whole and still its own.
        string logPath = Assert.Single(Directory.GetFiles(fixture.Logs, "*.log"));
        Assert.StartsWith(firstLog, File.ReadAllText(logPath), StringComparison.Ordinal);
        Assert.DoesNotContain("tentative", File.ReadAllText(logPath), StringComparison.Ordinal);

        first.Send("TERM");
        Assert.Equal(ExitCodes.Interrupted, first.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(LockPath()));
    }

    [SkippableFact]
    public void A_real_process_killed_outright_leaves_its_lock_to_be_taken_over()
    {
        Skip.If(OperatingSystem.IsWindows(), "kill -KILL; Windows deletes a delete-on-close file when the process dies.");
        string scripts = Directory.CreateDirectory(Path.Combine(fixture.Root, "blocking")).FullName;
        File.WriteAllText(Path.Combine(scripts, "a.sql"), "WAITFOR DELAY '01:00:00'");
        using var killed = ChildRun.Start(Path.Combine(fixture.Root, "journal.txt"), "cancellable", ["CRMPLUS", scripts, "--log-dir", fixture.Logs]);
        Assert.True(killed.WaitUntilBlocked(TimeSpan.FromSeconds(60)), killed.Output + killed.Error);
        killed.Send("KILL");
        killed.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.True(File.Exists(LockPath()));
        fixture.Write("b.sql", "SELECT 1");

        var (result, output) = fixture.Run(fixture.Request("CRMPLUS", Path.Combine(fixture.Scripts, "b.sql")));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains($"laissé par le processus {killed.Process.Id} (poste {Environment.MachineName}", output, StringComparison.Ordinal);
    }
}
