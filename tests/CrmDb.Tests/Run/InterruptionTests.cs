using System.Text;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>
/// Ctrl+C and SIGTERM on a real crmdb run process whose fake server blocks in a batch: the batch
/// is cancelled, the script journaled 'interrupted', the log complete and well-formed, exit 130;
/// a second signal ends the process at once, still leaving a well-formed log.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private const string SigintIgnored = "SIGINT is ignored in this process tree (inherited from nohup or a background job of a shell without job control): no Ctrl+C can reach crmdb here; run the tests from a terminal or a CI step to try it.";

    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly string root = Directory.CreateTempSubdirectory("crmdb-signal-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Logs => Path.Combine(root, "logs");

    private string Journal => Path.Combine(root, "journal.txt");

    private string[] Scripts()
    {
        string scripts = Directory.CreateDirectory(Path.Combine(root, "scripts")).FullName;
        File.WriteAllText(Path.Combine(scripts, "a.sql"), "PRINT N'déjà fait'");
        File.WriteAllText(Path.Combine(scripts, "b.sql"), "PRINT N'premier lot de b'\nGO\nBEGIN TRAN;\nWAITFOR DELAY '01:00:00';\nGO\nPRINT N'jamais'");
        File.WriteAllText(Path.Combine(scripts, "c.sql"), "PRINT N'jamais non plus'");
        return ["CRMPLUS", scripts, "--log-dir", Logs];
    }

    private string OnlyLog()
    {
        string path = Assert.Single(Directory.GetFiles(Logs, "*.log"));
        Assert.EndsWith("bachsql_CRMPLUS.log", path, StringComparison.Ordinal);
        byte[] bytes = File.ReadAllBytes(path);
        // Well-formed: valid UTF-8 throughout (no character cut in half), ending with a whole line.
        string text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        return text;
    }

    [SkippableTheory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_signal_cancels_the_running_batch_journals_interrupted_and_ends_the_log_with_exit_130(string signal)
    {
        Skip.If(OperatingSystem.IsWindows(), "kill(1) and POSIX signals: Windows delivers Ctrl+C to a console, not to a process started here.");
        using var child = ChildRun.Start(Journal, "cancellable", Scripts());
        Skip.If(signal == "INT" && child.IgnoresSigint(), SigintIgnored);
        Assert.True(child.WaitUntilBlocked(Startup), "the child never reached the blocking batch:\n" + child.Output + child.Error);

        child.Send(signal);
        int exitCode = child.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Interrupted, exitCode);
        Assert.Equal(["a.sql|success|0", "b.sql|interrupted|0"], child.JournalRows);
        string log = OnlyLog();
        Assert.Contains("ok: PRINT N'déjà fait'", log, StringComparison.Ordinal);
        Assert.Contains("ok: PRINT N'premier lot de b'", log, StringComparison.Ordinal);
        Assert.Contains("--- Lot annulé sur le serveur (interruption) ---", log, StringComparison.Ordinal);
        Assert.Contains("=== Fin du script b.sql : interrupted ===", log, StringComparison.Ordinal);
        Assert.Contains("Script c.sql non exécuté (interrompu par l'utilisateur pendant b.sql).", log, StringComparison.Ordinal);
        Assert.Contains("Interrompu par l'utilisateur pendant b.sql", log, StringComparison.Ordinal);
        Assert.DoesNotContain("PRINT N'jamais", log, StringComparison.Ordinal);
        Assert.Matches(@"Fin : \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d, durée \d\d:\d\d:\d\d, code de sortie 130\r\n$", log);
        Assert.Contains("Interrompu par l'utilisateur pendant b.sql", child.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", child.Error, StringComparison.Ordinal);
        // The lock went with the run.
        Assert.False(File.Exists(ComponentLock.FileFor(Logs, "CRMPLUS")));
    }

    [SkippableFact]
    public void A_second_Ctrl_C_ends_the_process_at_once_and_the_log_still_ends_well()
    {
        Skip.If(OperatingSystem.IsWindows(), "kill(1) and POSIX signals: Windows delivers Ctrl+C to a console, not to a process started here.");
        using var child = ChildRun.Start(Journal, "stuck", Scripts());
        Skip.If(child.IgnoresSigint(), SigintIgnored);
        Assert.True(child.WaitUntilBlocked(Startup), "the child never reached the blocking batch:\n" + child.Output + child.Error);

        child.Send("INT");
        // The fake server does not answer the cancel: the first Ctrl+C alone cannot end the run.
        Assert.False(child.Process.WaitForExit(TimeSpan.FromSeconds(2)), "the run ended without its batch answering the cancel");
        child.Send("INT");
        int exitCode = child.WaitForExit(TimeSpan.FromSeconds(15));

        Assert.Equal(ExitCodes.Interrupted, exitCode);
        // Nothing could be asked of the server: the row stays 'running', which a rerun runs again.
        Assert.Equal(["a.sql|success|0", "b.sql|running|0"], child.JournalRows);
        string log = OnlyLog();
        Assert.Contains("WAITFOR DELAY '01:00:00';", log, StringComparison.Ordinal);
        Assert.Contains("Interrompu par l'utilisateur une deuxième fois pendant b.sql : arrêt immédiat.", log, StringComparison.Ordinal);
        Assert.Matches(@"code de sortie 130\r\n$", log);
    }
}
