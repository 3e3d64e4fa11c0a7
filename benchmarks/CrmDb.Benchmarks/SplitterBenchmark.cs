using System.Diagnostics;
using System.Globalization;
using System.Text;
using CrmDb.Runner.Batches;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Benchmarks;

/// <summary>
/// crmdb's batch splitter against DbUp's (as its SQL Server support uses it) and a full ScriptDom
/// parse, on one generated script of at least 100 MB. Each contender runs in a child process of
/// its own, so that the peak memory of one (the OS's peak resident set, VmHWM / PeakWorkingSet64)
/// is not inherited by the next; each child also reports its resident set just before the work
/// (runtime and JIT already warm on a tiny script), and the difference is what the work itself took.
/// Throughput is the file's size in MB divided by the time from opening the file to the last
/// batch (reading and decoding included for all three).
/// </summary>
public sealed class SplitterBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "splitter";

    /// <inheritdoc />
    public string Description => "batch splitter: crmdb vs DbUp vs ScriptDom on a generated script (--size-mb N, default 110; --keep)";

    /// <inheritdoc />
    public int Run(string[] args, TextWriter output)
    {
        if (args.Length == 3 && args[0] == "--child")
        {
            return Child(args[1], args[2], output);
        }

        int sizeMb = 110;
        bool keep = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--size-mb" && i + 1 < args.Length)
            {
                sizeMb = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--keep")
            {
                keep = true;
            }
        }

        string path = Path.Combine(Path.GetTempPath(), $"crmdb-splitter-{Environment.ProcessId}.sql");
        try
        {
            var (bytes, batches, largest) = Generate(path, sizeMb * 1024L * 1024L);
            output.WriteLine(FormattableString.Invariant($"Script: {path}"));
            output.WriteLine(FormattableString.Invariant($"  {bytes / 1048576.0:F1} MB, {batches:N0} batches, largest batch {largest / 1048576.0:F1} MB (UTF-16 in memory: {largest * 2 / 1048576.0:F1} MB)"));
            output.WriteLine();
            output.WriteLine(FormattableString.Invariant($"{"contender",-44} {"MB/s",8} {"time s",8} {"batches",9} {"peak RSS MB",12} {"work MB",9}"));
            foreach (string contender in new[] { "crmdb", "dbup", "scriptdom" })
            {
                var result = RunChild(contender, path);
                if (result is null)
                {
                    output.WriteLine($"{contender}: the child process failed");
                    return 1;
                }

                double seconds = result.Value.Seconds;
                output.WriteLine(FormattableString.Invariant(
                    $"{Label(contender),-44} {bytes / 1048576.0 / seconds,8:F1} {seconds,8:F2} {result.Value.Batches,9:N0} {result.Value.PeakBytes / 1048576.0,12:F0} {(result.Value.PeakBytes - result.Value.BaselineBytes) / 1048576.0,9:F0}"));
                if (result.Value.Note.Length > 0)
                {
                    output.WriteLine("    " + result.Value.Note);
                }
            }

            output.WriteLine();
            output.WriteLine("peak RSS: the child's peak resident set; work MB: peak minus the resident set just before the work.");
            return 0;
        }
        finally
        {
            if (!keep)
            {
                File.Delete(path);
            }
        }
    }

    private static string Label(string contender) => contender switch
    {
        "crmdb" => "crmdb BatchReader (streaming)",
        "dbup" => "DbUp SqlConnectionManager.SplitScript...",
        _ => "ScriptDom TSql140Parser (batch by batch)",
    };

    private static (double Seconds, long Batches, long PeakBytes, long BaselineBytes, string Note)? RunChild(string contender, string path)
    {
        string host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(SplitterBenchmark).Assembly.Location);
        }

        foreach (string arg in new[] { "splitter", "--child", contender, path })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        string text = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string? line = text.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            Console.Error.Write(text);
            return null;
        }

        string[] parts = line.TrimEnd().Split(' ', 6);
        return (double.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture),
            long.Parse(parts[3], CultureInfo.InvariantCulture), long.Parse(parts[4], CultureInfo.InvariantCulture), parts.Length > 5 ? parts[5] : string.Empty);
    }

    /// <summary>In the child: warm up on a tiny script, note the resident set, do the work, report.</summary>
    private static int Child(string contender, string path, TextWriter output)
    {
        string warm = Path.Combine(Path.GetTempPath(), $"crmdb-splitter-warm-{Environment.ProcessId}.sql");
        File.WriteAllText(warm, "SELECT 1\nGO\nSELECT 'a' AS [b] -- c\nGO\n");
        Work(contender, warm);
        File.Delete(warm);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        long baseline = self.WorkingSet64;

        var watch = Stopwatch.StartNew();
        var (batches, note) = Work(contender, path);
        watch.Stop();

        self.Refresh();
        output.WriteLine(FormattableString.Invariant($"RESULT {watch.Elapsed.TotalSeconds:F3} {batches} {self.PeakWorkingSet64} {baseline} {note}"));
        return 0;
    }

    private static (long Batches, string Note) Work(string contender, string path)
    {
        switch (contender)
        {
            case "crmdb":
            {
                long count = 0;
                foreach (var batch in new BatchReader(new BatchReaderOptions()).Read(path))
                {
                    count += batch.Text.Length > 0 ? 1 : 0;
                }

                return (count, string.Empty);
            }

            case "dbup":
            {
                // DbUp takes the whole script as one string and returns every command in a list.
                var read = Stopwatch.StartNew();
                string text = File.ReadAllText(path, Encoding.UTF8);
                read.Stop();
                var split = Stopwatch.StartNew();
                var commands = new DbUp.SqlServer.SqlConnectionManager("Server=unused;Database=unused").SplitScriptIntoCommands(text).ToList();
                split.Stop();
                return (commands.Count, FormattableString.Invariant($"(reading the file: {read.Elapsed.TotalSeconds:F2} s, splitting: {split.Elapsed.TotalSeconds:F2} s)"));
            }

            default:
            {
                // A full parse of the whole file at once would hold the syntax tree of 100 MB of
                // T-SQL; batch by batch (crmdb's splitter feeding the parser) is how it fits.
                long count = 0;
                long errors = 0;
                var parser = new TSql140Parser(initialQuotedIdentifiers: true);
                foreach (var batch in new BatchReader(new BatchReaderOptions()).Read(path))
                {
                    using var reader = new StringReader(batch.Text);
                    parser.Parse(reader, out IList<ParseError> parseErrors);
                    errors += parseErrors.Count;
                    count++;
                }

                return (count, FormattableString.Invariant($"(parse errors: {errors})"));
            }
        }
    }

    /// <summary>
    /// Writes a script of at least <paramref name="size"/> bytes: procedures with comments (nested
    /// ones too), strings holding GO, -- and /*, bracketed names, multi-row INSERTs, and in the
    /// middle one large batch. Only constructs that DbUp and sqlcmd split alike, so the batch
    /// counts compare.
    /// </summary>
    private static (long Bytes, long Batches, long Largest) Generate(string path, long size)
    {
        var random = new Random(42);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        long written = 0;
        long batches = 0;
        long largest = 0;
        bool bigDone = false;
        var batch = new StringBuilder();
        while (written < size)
        {
            batch.Clear();
            int kind = random.Next(3);
            int n = (int)batches;
            if (!bigDone && written > size / 2)
            {
                bigDone = true;
                batch.Append("INSERT INTO dbo.[Grande Table] (Id, Texte) VALUES\r\n");
                for (int i = 0; i < 60_000; i++)
                {
                    batch.Append("  (").Append(i).Append(", N'ligne ").Append(i).Append(" : l''élan -- pas un commentaire /* ni ça */ GO'),\r\n");
                }

                batch.Append("  (-1, N'fin');\r\n");
            }
            else if (kind == 0)
            {
                batch.Append("/* Procédure ").Append(n).Append(" /* commentaire imbriqué */\r\nGO dans un commentaire\r\n*/\r\n");
                batch.Append("CREATE PROCEDURE dbo.[MC_test_").Append(n).Append("] @Id int, @Texte nvarchar(200) = N'GO'\r\nAS\r\nBEGIN\r\n    SET NOCOUNT ON; -- don't count\r\n");
                for (int i = 0; i < 12; i++)
                {
                    batch.Append("    UPDATE dbo.[Order Details] SET [Note ]]x] = N'it''s ").Append(random.Next()).Append("', Qty = Qty + ").Append(i).Append(" WHERE Id = @Id; /* étape ").Append(i).Append(" */\r\n");
                }

                batch.Append("    SELECT N'--', N'/*', [GO] FROM dbo.T WHERE Texte = @Texte;\r\nEND;\r\n");
            }
            else if (kind == 1)
            {
                batch.Append("INSERT INTO dbo.Tiers (CT_Num, CT_Intitule, CT_Ville) VALUES\r\n");
                for (int i = 0; i < 25; i++)
                {
                    batch.Append("  (N'C").Append(random.Next(100000, 999999)).Append("', N'Société d''essai ").Append(i).Append("', N'Saint-Étienne')").Append(i < 24 ? ",\r\n" : ";\r\n");
                }
            }
            else
            {
                batch.Append("-- mise à jour ").Append(n).Append("\r\nUPDATE a\r\nSET a.acc_numpayeur_repli = g.CT_NumPayeur -- réplication\r\nFROM dbo.Account AS a\r\nJOIN [BIJOU].dbo.F_COMPTET AS g ON a.acc_erp_account_id = g.CT_Num\r\nWHERE g.cbReplication >= 1000 AND g.CT_Intitule <> N'GO';\r\n");
            }

            largest = Math.Max(largest, batch.Length);
            batch.Append("GO\r\n\r\n");
            writer.Write(batch);
            written += Encoding.UTF8.GetByteCount(batch.ToString());
            batches++;
        }

        writer.Flush();
        return (new FileInfo(path).Length, batches, largest);
    }
}
