using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CrmDb.Benchmarks;

/// <summary>What the benchmarks print about the machine, and how they measure processes.</summary>
internal static class Machine
{
    /// <summary>CPU, cores, OS, runtime and load: the context of the figures that follow.</summary>
    public static string Describe()
    {
        string cpu = "unknown CPU";
        string load = string.Empty;
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }

        if (File.Exists("/proc/loadavg"))
        {
            load = ", load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }

        return FormattableString.Invariant($"Machine: {cpu}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}{load}");
    }

    /// <summary>The resident set now (VmRSS on Linux).</summary>
    public static long ResidentBytes() => Status("VmRSS:") ?? Process.GetCurrentProcess().WorkingSet64;

    /// <summary>The peak resident set of this process so far (VmHWM on Linux).</summary>
    public static long PeakResidentBytes() => Status("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64;

    /// <summary>Runs this benchmark program again with <paramref name="args"/>; its standard output.</summary>
    public static string RunSelf(IEnumerable<string> args)
    {
        string host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(Machine).Assembly.Location);
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        string text = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return child.ExitCode == 0 ? text : throw new InvalidOperationException("child exited " + child.ExitCode + ": " + text);
    }

    /// <summary>
    /// The peak resident set and the CPU time (user + system) of the children this process waited
    /// for (getrusage RUSAGE_CHILDREN, Linux: ru_maxrss in KiB), null elsewhere. Called in a
    /// process that ran one child only.
    /// </summary>
    public static (long PeakBytes, double CpuSeconds)? ChildrenUsage()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct rusage: ru_utime and ru_stime (timevals: seconds, microseconds), then ru_maxrss.
        var usage = new long[18];
        return GetRUsage(-1, usage) == 0 ? (usage[4] * 1024, usage[0] + (usage[1] / 1e6) + usage[2] + (usage[3] / 1e6)) : null;
    }

    private static long? Status(string key)
    {
        if (!File.Exists("/proc/self/status"))
        {
            return null;
        }

        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, [Out] long[] usage);
}
