using System.Diagnostics;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>
/// File-system faults of the log folder, tried for real: a file in the way, a name too long, a
/// read-only and a full file system (a 64 KiB tmpfs), a folder another user cannot write. Each
/// gives one message naming the path and the fix, no stack trace: exit 2 before anything ran,
/// exit 1 after, and the last real log is never lost.
/// </summary>
public sealed class FileFaultTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private (RunResult Result, string Output) RunWithLogs(string logs) =>
        fixture.Run(fixture.Request() with { LogDirectory = logs });

    [Fact]
    public void A_log_folder_that_is_a_file_is_refused_before_anything_runs()
    {
        fixture.Write("a.sql", "SELECT 1");
        string file = Path.Combine(fixture.Root, "logs-file");
        File.WriteAllText(file, "pas un dossier");

        var (result, output) = RunWithLogs(file);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"{file} : un fichier porte ce nom (ou celui d'un dossier parent) là où un dossier est attendu.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Database.Connections);
    }

    [Fact]
    public void A_log_folder_name_too_long_is_refused_before_anything_runs()
    {
        fixture.Write("a.sql", "SELECT 1");
        string tooLong = Path.Combine(fixture.Root, new string('d', 300));

        var (result, output) = RunWithLogs(tooLong);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("chemin trop long", output, StringComparison.Ordinal);
        Assert.Contains(tooLong, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_full_disk_before_the_run_starts_is_exit_2_and_the_last_log_survives()
    {
        using var tmpfs = Tmpfs.Mount(fixture.Root);
        string earlier = Path.Combine(tmpfs.Path, "20260306bachsql_CRMPLUS.log");
        File.WriteAllText(earlier, "dernier vrai run");
        tmpfs.Fill(leaveFree: 0);
        fixture.Write("a.sql", "SELECT 1");

        var (result, output) = RunWithLogs(tmpfs.Path);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("disque plein. Libérez de la place ou choisissez un autre dossier de logs (--log-dir).", output, StringComparison.Ordinal);
        Assert.Contains(tmpfs.Path, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Equal("dernier vrai run", File.ReadAllText(earlier));
        Assert.Empty(fixture.Database.Executor.Executed);
    }

    [SkippableFact]
    public void A_disk_that_fills_during_a_dry_run_is_exit_2_naming_the_file_and_leaves_no_listing()
    {
        using var tmpfs = Tmpfs.Mount(fixture.Root);
        tmpfs.Fill(leaveFree: 4 * 4096);
        fixture.Write("a.sql", string.Join("\nGO\n", Enumerable.Range(1, 20).Select(i => $"PRINT '{i}{new string('x', 3000)}'")));

        var (result, output) = fixture.Run(fixture.Request() with { DryRun = true, LogDirectory = tmpfs.Path });

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("disque plein", output, StringComparison.Ordinal);
        Assert.Contains(tmpfs.Path, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(tmpfs.Path), f => f.EndsWith(".listing", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void A_disk_that_fills_during_the_run_stops_it_with_exit_1_and_the_script_is_not_journaled_done()
    {
        using var tmpfs = Tmpfs.Mount(fixture.Root);
        // Room for the lock file and the log's header (a page each), not for ten 3 KB batches.
        tmpfs.Fill(leaveFree: 3 * 4096);
        fixture.Write("a.sql", string.Join("\nGO\n", Enumerable.Range(1, 10).Select(i => $"PRINT '{i}{new string('x', 3000)}'")));
        fixture.Write("b.sql", "PRINT 'après'");

        var (result, output) = RunWithLogs(tmpfs.Path);

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.InRange(fixture.Database.Executor.Executed.Count, 1, 9);
        Assert.Contains(Path.Combine(tmpfs.Path, "20260307bachsql_CRMPLUS.log") + " : disque plein.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        var row = Assert.Single(fixture.Database.FakeJournal.Rows);
        Assert.Equal(JournalEntry.Failed, row.Status);
    }

    [SkippableFact]
    public void A_read_only_file_system_is_refused_before_anything_runs()
    {
        using var tmpfs = Tmpfs.Mount(fixture.Root);
        tmpfs.RemountReadOnly();
        fixture.Write("a.sql", "SELECT 1");

        var (result, output) = RunWithLogs(Path.Combine(tmpfs.Path, "logs"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("système de fichiers en lecture seule", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_log_folder_the_user_cannot_write_is_refused_with_exit_2_in_a_real_unprivileged_process()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "setpriv is a Linux tool.");
        Skip.IfNot(Environment.UserName == "root", "changing to another user needs root (CI runs as root; as a user, mode bits already apply to the other tests).");
        Skip.IfNot(File.Exists("/usr/bin/setpriv"), "setpriv (util-linux) is not installed.");
        Skip.IfNot(
            OthersCanReach(Path.GetDirectoryName(typeof(ChildRunHost).Assembly.Location)!) && OthersCanReach(Path.GetDirectoryName(fixture.Root)!),
            "the test output or the temporary folder is inside a folder other users cannot enter: the unprivileged child could not start.");
        // The fixture's folder is private to root: the child's user must read the scripts and write its journal.
        File.SetUnixFileMode(fixture.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(fixture.Scripts, (UnixFileMode)0b111_101_101);
        string journalFolder = Directory.CreateDirectory(Path.Combine(fixture.Root, "journal")).FullName;
        File.SetUnixFileMode(journalFolder, (UnixFileMode)0b111_111_111);
        string logs = Directory.CreateDirectory(Path.Combine(fixture.Root, "root-only")).FullName;
        File.SetUnixFileMode(logs, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(fixture.Write("a.sql", "SELECT 1"), (UnixFileMode)0b110_100_100);

        using var child = ChildRun.Start(Path.Combine(journalFolder, "journal.txt"), "cancellable", ["CRMPLUS", fixture.Scripts, "--log-dir", logs], asUser: 65534);
        int exitCode = child.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == ExitCodes.BadInput, $"exit {exitCode}\nout:\n{child.Output}\nerr:\n{child.Error}");
        Assert.Contains($"{Path.Combine(logs, "bachsql_CRMPLUS.lock")} : accès refusé. Donnez le droit d'écriture sur ce dossier au compte qui lance crmdb", child.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", child.Error, StringComparison.Ordinal);
        Assert.Empty(child.JournalRows);
        Assert.Empty(Directory.GetFiles(logs));
    }

    /// <summary>True when every folder from the root to <paramref name="folder"/> lets other users through (o+x).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool OthersCanReach(string folder)
    {
        for (var at = new DirectoryInfo(folder); at is not null; at = at.Parent)
        {
            if ((at.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A small tmpfs (64 KiB) mounted for one test; skipped with the reason where mounting is not allowed.</summary>
    private sealed class Tmpfs : IDisposable
    {
        private Tmpfs(string path) => Path = path;

        public string Path { get; }

        public static Tmpfs Mount(string under)
        {
            Skip.IfNot(OperatingSystem.IsLinux(), "tmpfs is a Linux file system.");
            string path = Directory.CreateDirectory(System.IO.Path.Combine(under, "tmpfs")).FullName;
            var (code, error) = Exec("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", path);
            Skip.If(code != 0, $"mount -t tmpfs is not allowed here (needs root with CAP_SYS_ADMIN): {error}");
            return new Tmpfs(path);
        }

        /// <summary>Fills the file system until only <paramref name="leaveFree"/> bytes are left.</summary>
        public void Fill(long leaveFree)
        {
            var drive = new DriveInfo(Path);
            long toWrite = drive.AvailableFreeSpace - leaveFree;
            using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Create, FileAccess.Write);
            byte[] block = new byte[4096];
            try
            {
                while (toWrite > 0)
                {
                    int n = (int)Math.Min(block.Length, toWrite);
                    filler.Write(block, 0, n);
                    filler.Flush();
                    toWrite -= n;
                }
            }
            catch (IOException) when (leaveFree == 0)
            {
                // Full, as asked.
            }
        }

        public void RemountReadOnly()
        {
            var (code, error) = Exec("mount", "-o", "remount,ro", Path);
            Assert.True(code == 0, error);
        }

        public void Dispose()
        {
            Exec("umount", "-l", Path);
        }

        private static (int Code, string Error) Exec(string file, params string[] arguments)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            try
            {
                using var process = Process.Start(info)!;
                string error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, error);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                return (-1, ex.Message);
            }
        }
    }
}
