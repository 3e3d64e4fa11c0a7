using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CrmDb.Benchmarks;

/// <summary>
/// The crmdb command as a user runs it, each run a process of its own: start-up (crmdb --version
/// and a small dry run), crmdb run --dry-run on 50 MB of small batches against a .NET process
/// that reads, decodes and writes the same bytes, and the peak memory of crmdb batches --format
/// json and crmdb run --dry-run for one 50 MB batch and for eight of them in one file. Each
/// process is started by a helper process of this program that waits for it alone and reads its
/// peak resident set from getrusage (Linux); times are wall times, at least 5 runs each, median
/// and minimum. Targets of issue 19 are printed with the ratios; SHORTFALL where one is missed.
/// </summary>
public sealed class CliBenchmark : IBenchmark
{
    /// <summary>The dry run at most this many times the read/decode/write process.</summary>
    private const double DryRunTarget = 3.0;

    /// <summary>Peak memory at most this many times the batch as a .NET string...</summary>
    private const double MemoryFactor = 3.0;

    /// <summary>...plus this many bytes.</summary>
    private const long MemoryAllowance = 80L * 1024 * 1024;

    /// <summary>Eight batches within this factor of one.</summary>
    private const double EightTarget = 1.2;

    /// <inheritdoc />
    public string Name => "cli";

    /// <inheritdoc />
    public string Description => "crmdb processes: start-up, dry run vs read/decode/write, peak memory of batches/dry run [--crmdb PATH] [--repetitions N] [--batch-mb N] [--startup-only]";

    /// <inheritdoc />
    public int Run(string[] args, TextWriter output)
    {
        if (args.Length >= 2 && args[0] == "--measure")
        {
            return Measure(args[1], args[2..], output);
        }

        if (args.Length == 3 && args[0] == "--copy")
        {
            Copy(args[1], args[2]);
            return 0;
        }

        string crmdb = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "crmdb.exe" : "crmdb");
        int repetitions = 5;
        int batchMb = 50;
        bool startUpOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--crmdb" when i + 1 < args.Length:
                    crmdb = Path.GetFullPath(args[++i]);
                    break;
                case "--repetitions" when i + 1 < args.Length:
                    repetitions = Math.Max(5, int.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--batch-mb" when i + 1 < args.Length:
                    batchMb = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--startup-only":
                    // Start-up alone: a few seconds, so that two builds of crmdb can be compared in turns.
                    startUpOnly = true;
                    break;
                default:
                    Console.Error.WriteLine("usage: cli [--crmdb PATH (default: the crmdb built beside this program)] [--repetitions N (>= 5)] [--batch-mb N (default 50)] [--startup-only]");
                    return 2;
            }
        }

        if (!File.Exists(crmdb))
        {
            Console.Error.WriteLine($"crmdb not found: {crmdb}; build the benchmarks in Release or give --crmdb PATH.");
            return 2;
        }

        string folder = Path.Combine(Path.GetTempPath(), $"crmdb-cli-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            output.WriteLine(Machine.Describe());
            output.WriteLine(FormattableString.Invariant($"crmdb: {crmdb}; {repetitions} runs each, one process per run."));
            var shortfalls = new List<string>();
            StartUp(output, crmdb, folder, repetitions);
            if (startUpOnly)
            {
                return 0;
            }

            DryRunThroughput(output, crmdb, folder, repetitions, shortfalls);
            Memory(output, crmdb, folder, batchMb, shortfalls);
            output.WriteLine();
            output.WriteLine(shortfalls.Count == 0 ? "All targets reached." : "Targets not reached on this machine (the targets stay): " + string.Join("; ", shortfalls));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void StartUp(TextWriter output, string crmdb, string folder, int repetitions)
    {
        string script = Path.Combine(folder, "petit.sql");
        File.WriteAllText(script, "SELECT 1\nGO\nPRINT N'élan'\nGO\n");
        output.WriteLine();
        output.WriteLine("Start-up (wall time of the whole process)");
        output.WriteLine(FormattableString.Invariant($"  {"command",-40} {"min s",7} {"median s",9} {"cpu min",8} {"cpu med",8} {"peak MB",8}"));
        Row(output, "crmdb --version", Repeat(repetitions, crmdb, "--version"));
        Row(output, "crmdb run --dry-run (2 small batches)", Repeat(repetitions, crmdb, "run", "CRMPLUS", script, "--dry-run", "--log-dir", folder));
    }

    private static void DryRunThroughput(TextWriter output, string crmdb, string folder, int repetitions, List<string> shortfalls)
    {
        string script = Path.Combine(folder, "petits-lots.sql");
        long batches = SplitterCorpus.All[0].Write(script, 50L * 1024 * 1024);
        double mb = new FileInfo(script).Length / 1048576.0;
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"Dry run on {mb:F1} MB of small batches ({batches:N0} batches)"));
        output.WriteLine(FormattableString.Invariant($"  {"process",-40} {"min s",7} {"median s",9} {"cpu min",8} {"cpu med",8} {"peak MB",8}"));
        var copy = Repeat(repetitions, Self(), SelfArgs("cli", "--copy", script, Path.Combine(folder, "copie.sql")));
        var dry = Repeat(repetitions, crmdb, "run", "CRMPLUS", script, "--dry-run", "--log-dir", folder);
        Row(output, ".NET read, decode, write (baseline)", copy);
        Row(output, "crmdb run --dry-run", dry);
        double ratio = dry.Min(r => r.Seconds) / copy.Min(r => r.Seconds);
        double cpuRatio = dry.Min(r => r.CpuSeconds) / copy.Min(r => r.CpuSeconds);
        output.WriteLine(FormattableString.Invariant($"  dry run / baseline {ratio:F2}x in wall time (target <= {DryRunTarget}x): {(ratio <= DryRunTarget ? "met" : "SHORTFALL")}; {cpuRatio:F2}x in CPU time"));
        if (ratio > DryRunTarget)
        {
            shortfalls.Add(FormattableString.Invariant($"dry run {ratio:F2}x the read/decode/write process (target {DryRunTarget}x)"));
        }
    }

    private static void Memory(TextWriter output, string crmdb, string folder, int batchMb, List<string> shortfalls)
    {
        string one = Path.Combine(folder, "un-lot.sql");
        string eight = Path.Combine(folder, "huit-lots.sql");
        long chars = LargeBatches(one, 1, batchMb * 1024L * 1024);
        LargeBatches(eight, 8, batchMb * 1024L * 1024);
        long bound = (long)(MemoryFactor * chars * 2) + MemoryAllowance;
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"Peak memory for batches of {chars / 1048576.0:F1} M characters ({chars * 2 / 1048576.0:F0} MB as a .NET string); bound {bound / 1048576.0:F0} MB"));
        output.WriteLine(FormattableString.Invariant($"  {"command",-40} {"one batch MB",13} {"eight MB",9} {"one: bound",11} {"eight/one",10}"));
        foreach (var (label, arguments) in new (string, Func<string, string[]>)[]
        {
            ("crmdb batches --format json", file => ["batches", file, "--format", "json"]),
            ("crmdb run --dry-run", file => ["run", "CRMPLUS", file, "--dry-run", "--log-dir", folder]),
        })
        {
            long peakOne = RunMeasured(crmdb, arguments(one)).PeakBytes;
            long peakEight = RunMeasured(crmdb, arguments(eight)).PeakBytes;
            double growth = (double)peakEight / peakOne;
            bool withinBound = peakOne <= bound;
            bool withinEight = growth <= EightTarget;
            output.WriteLine(FormattableString.Invariant(
                $"  {label,-40} {peakOne / 1048576.0,13:F0} {peakEight / 1048576.0,9:F0} {(withinBound ? "met" : "SHORTFALL"),11} {growth,9:F2}x {(withinEight ? "met" : "SHORTFALL")}"));
            if (!withinBound)
            {
                shortfalls.Add(FormattableString.Invariant($"{label}: {peakOne / 1048576.0:F0} MB for one batch (bound {bound / 1048576.0:F0} MB)"));
            }

            if (!withinEight)
            {
                shortfalls.Add(FormattableString.Invariant($"{label}: eight batches {growth:F2}x one (target {EightTarget}x)"));
            }
        }
    }

    /// <summary>Writes <paramref name="count"/> batches of about <paramref name="bytes"/> bytes each (multi-row INSERTs); the characters of one.</summary>
    private static long LargeBatches(string path, int count, long bytes)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        long chars = 0;
        for (int b = 0; b < count; b++)
        {
            chars = 0;
            string head = "INSERT INTO dbo.[Grande Table] (Id, Texte) VALUES\n";
            writer.Write(head);
            chars += head.Length;
            for (long i = 0; chars < bytes; i++)
            {
                string row = FormattableString.Invariant($"  ({i}, N'ligne {i} : l''élan -- pas un commentaire /* ni ça */ GO'),\n");
                writer.Write(row);
                chars += row.Length;
            }

            writer.Write("  (-1, N'fin');\nGO\n");
            chars += "  (-1, N'fin');".Length;
        }

        return chars;
    }

    private static void Row(TextWriter output, string label, List<(double Seconds, long PeakBytes, double CpuSeconds)> runs)
    {
        var sorted = runs.Select(r => r.Seconds).Order().ToList();
        var cpu = runs.Select(r => r.CpuSeconds).Order().ToList();
        output.WriteLine(FormattableString.Invariant($"  {label,-40} {sorted[0],7:F3} {sorted[sorted.Count / 2],9:F3} {cpu[0],8:F3} {cpu[cpu.Count / 2],8:F3} {runs.Max(r => r.PeakBytes) / 1048576.0,8:F0}"));
    }

    private static List<(double Seconds, long PeakBytes, double CpuSeconds)> Repeat(int repetitions, string program, params string[] arguments)
    {
        RunMeasured(program, arguments); // warm-up: page cache, first start of the runtime
        return Enumerable.Range(0, repetitions).Select(_ => RunMeasured(program, arguments)).ToList();
    }

    /// <summary>Runs the program in a helper process that measures it alone.</summary>
    private static (double Seconds, long PeakBytes, double CpuSeconds) RunMeasured(string program, string[] arguments)
    {
        string text = Machine.RunSelf(["cli", "--measure", program, .. arguments]);
        string line = text.Split('\n').Last(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        string[] parts = line.TrimEnd().Split(' ');
        return (double.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), double.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    /// <summary>In the helper: runs the program once, its output discarded, and reports its time and peak memory.</summary>
    private static int Measure(string program, string[] arguments, TextWriter output)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var drainOut = child.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var error = child.StandardError.ReadToEndAsync();
        child.WaitForExit();
        drainOut.Wait();
        watch.Stop();
        if (child.ExitCode != 0)
        {
            Console.Error.WriteLine($"{program} {string.Join(' ', arguments)} exited {child.ExitCode}: {error.Result}");
            return 1;
        }

        var usage = Machine.ChildrenUsage();
        output.WriteLine(FormattableString.Invariant($"RESULT {watch.Elapsed.TotalSeconds:F4} {usage?.PeakBytes ?? 0} {usage?.CpuSeconds ?? 0:F4}"));
        return 0;
    }

    /// <summary>The baseline: read the bytes, decode them to .NET text, encode and write them again.</summary>
    private static void Copy(string from, string to)
    {
        using var reader = new StreamReader(from, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        using var writer = new StreamWriter(to, false, new UTF8Encoding(false), 64 * 1024);
        var buffer = new char[64 * 1024];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            writer.Write(buffer, 0, read);
        }
    }

    private static string Self() => Environment.ProcessPath!;

    private static string[] SelfArgs(params string[] arguments) =>
        string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), "dotnet", StringComparison.OrdinalIgnoreCase)
            ? [typeof(CliBenchmark).Assembly.Location, .. arguments]
            : arguments;
}
