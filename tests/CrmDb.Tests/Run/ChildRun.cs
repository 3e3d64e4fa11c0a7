using System.Diagnostics;
using System.Text;
using CrmDb.Runner.Cli;

namespace CrmDb.Tests.Run;

/// <summary>
/// A real crmdb run process (<see cref="ChildRunHost"/>, this test assembly started with dotnet)
/// with a fake database, for what only a real process shows: signals, two runs at once, another
/// user's rights. Output is read as it comes, so that the child never blocks on a full pipe.
/// </summary>
internal sealed class ChildRun : IDisposable
{
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private ChildRun(Process process, string journal)
    {
        Process = process;
        Journal = journal;
    }

    public Process Process { get; }

    public string Journal { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (error)
            {
                return error.ToString();
            }
        }
    }

    /// <summary>The journal rows the child wrote ("script|status|failedBatches").</summary>
    public string[] JournalRows => File.Exists(Journal) ? File.ReadAllLines(Journal) : [];

    /// <summary>
    /// Starts crmdb run <paramref name="runArguments"/> in a child; <paramref name="mode"/> is how a
    /// WAITFOR batch blocks ("cancellable" or "stuck"); <paramref name="asUser"/> runs it through
    /// setpriv as that uid (root only).
    /// </summary>
    public static ChildRun Start(string journal, string mode, IEnumerable<string> runArguments, int? asUser = null)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (asUser is int uid)
        {
            info.FileName = "setpriv";
            foreach (string argument in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--", dotnet })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["HOME"] = Path.GetTempPath();
            info.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        }
        else
        {
            info.FileName = dotnet;
        }

        info.ArgumentList.Add(typeof(ChildRunHost).Assembly.Location);
        info.ArgumentList.Add(ChildRunHost.Verb);
        info.ArgumentList.Add(journal);
        info.ArgumentList.Add(mode);
        info.ArgumentList.Add("run");
        foreach (string argument in runArguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[Connection.EnvironmentVariable] = "Server=fake;Database=CRM";
        info.Environment["CRMDB_LANG"] = "fr";
        var process = new Process { StartInfo = info };
        var child = new ChildRun(process, journal);
        process.OutputDataReceived += (_, e) => Append(child.output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(child.error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until a WAITFOR batch blocks in the child; false if the child ended or the time ran out.</summary>
    public bool WaitUntilBlocked(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (File.Exists(Journal + ".blocked"))
            {
                return true;
            }

            if (Process.HasExited)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    /// <summary>
    /// True when the child ignores SIGINT from its start (Linux: the SigIgn mask of
    /// /proc/PID/status). It inherits that from whoever started the tests under nohup or in the
    /// background of a shell without job control; the runtime then leaves SIGINT ignored, as
    /// programs do, so no Ctrl+C can reach crmdb there and a SIGINT test proves nothing.
    /// </summary>
    public bool IgnoresSigint()
    {
        string status = $"/proc/{Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}/status";
        if (!File.Exists(status))
        {
            return false;
        }

        // One bit per signal, signal N at bit N - 1; SIGINT is 2.
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        ulong ignored = line is null ? 0 : ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        return (ignored & (1UL << 1)) != 0;
    }

    /// <summary>Sends <paramref name="signal"/> (INT, TERM, KILL) with kill(1), as a user or a service manager would.</summary>
    public void Send(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The exit code; fails the test if the child does not end within <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(Process.WaitForExit(timeout), $"the child did not end within {timeout}.\nout:\n{Output}\nerr:\n{Error}");
        Process.WaitForExit();
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    private static void Append(StringBuilder to, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (to)
        {
            to.AppendLine(line);
        }
    }
}
