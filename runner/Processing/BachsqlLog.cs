using System.Globalization;
using System.Text;

namespace CrmDb.Runner.Processing;

/// <summary>
/// The files <c>yyyyMMddbachsql_&lt;COMPONENT&gt;.log</c> (docs/design.md decision 7; the seed's spelling
/// "bachsql" stays, support searches for it).
/// </summary>
public static class BachsqlLogFiles
{
    /// <summary>The environment variable naming the log folder when --log-dir is absent.</summary>
    public const string DirectoryVariable = "CRMDB_LOG_DIR";

    /// <summary>The folder used when neither --log-dir nor CRMDB_LOG_DIR is given: logs under the current directory.</summary>
    public const string DefaultDirectory = "logs";

    private const string Infix = "bachsql_";

    /// <summary>--log-dir, else CRMDB_LOG_DIR, else ./logs; as a full path.</summary>
    public static string ResolveDirectory(string? option)
    {
        string? value = string.IsNullOrWhiteSpace(option) ? Environment.GetEnvironmentVariable(DirectoryVariable) : option;
        return Path.GetFullPath(string.IsNullOrWhiteSpace(value) ? DefaultDirectory : value);
    }

    /// <summary>The file name of the log of <paramref name="component"/> for a run on <paramref name="date"/>.</summary>
    public static string FileName(string component, DateTime date) =>
        date.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + Infix + component + ".log";

    /// <summary>
    /// The existing logs of exactly this component: 8 digits, "bachsql_", the component, ".log".
    /// Matching the whole name keeps component A from taking the logs of A_B or A.B.
    /// </summary>
    public static IReadOnlyList<string> Find(string directory, string component)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory, "*" + Infix + "*.log")
            .Where(path => IsLogOf(Path.GetFileName(path), component))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>True when <paramref name="fileName"/> is a bachsql log of <paramref name="component"/>.</summary>
    public static bool IsLogOf(string fileName, string component)
    {
        int expected = 8 + Infix.Length + component.Length + 4;
        return fileName.Length == expected
            && fileName.AsSpan(0, 8).IndexOfAnyExceptInRange('0', '9') < 0
            && fileName.AsSpan(8, Infix.Length).Equals(Infix, StringComparison.OrdinalIgnoreCase)
            && fileName.AsSpan(8 + Infix.Length, component.Length).Equals(component, StringComparison.OrdinalIgnoreCase)
            && fileName.EndsWith(".log", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The dry-run log of <paramref name="component"/> for <paramref name="date"/>: never a real log's name.</summary>
    public static string DryRunFileName(string component, DateTime date) =>
        date.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + Infix + component + DryRunSuffix + ".log";

    /// <summary>What ends a component name used for a dry-run log, so no component may end with it.</summary>
    public const string DryRunSuffix = ".dry-run";

    /// <summary>
    /// Appends one dated line to the last real log of <paramref name="component"/> (today's
    /// name when there is none): a run that did not start says so where support looks, and the
    /// log of the last real run stays as it was. Best effort: a fault here is not reported twice.
    /// </summary>
    public static string? AppendRefusal(string directory, string component, DateTimeOffset now, string line)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        string path = Find(directory, component) is { Count: > 0 } logs ? logs[^1] : Path.Combine(directory, FileName(component, now.DateTime));
        try
        {
            bool isNew = !File.Exists(path);
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: isNew)) { NewLine = "\r\n" };
            writer.WriteLine(now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) + " " + line);
            return path;
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            return null;
        }
    }
}

/// <summary>
/// One run's bachsql log: UTF-8 (with a BOM, for Windows tools), written as the run goes and
/// flushed after each batch, so a killed run leaves every finished batch in it. It is written
/// first under a temporary name; <see cref="Commit"/> renames it over the final name once the run
/// has started for good, so the last run's log is replaced, never deleted first. A write that
/// fails (disk full, folder gone) is kept in <see cref="Fault"/> instead of thrown: the run
/// stops after the batch going on and says why on the console.
/// </summary>
public sealed class RunLog : IDisposable
{
    private readonly FileStream stream;
    private readonly StreamWriter writer;
    private readonly string finalPath;
    private bool closed;

    private RunLog(string finalPath, string temporaryPath, FileStream stream)
    {
        this.finalPath = finalPath;
        Path = temporaryPath;
        this.stream = stream;
        // A large buffer: a dry run writes every batch and flushes only at the end (RunReport).
        writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024) { NewLine = "\r\n" };
    }

    /// <summary>
    /// One lock for every write, so that lines of the run and of a second Ctrl+C never mix
    /// (a line, and each UTF-8 character in it, is written whole).
    /// </summary>
    public Lock Gate { get; } = new();

    /// <summary>The log file: its temporary name until <see cref="Commit"/>, its final name after.</summary>
    public string Path { get; private set; }

    /// <summary>The first write that failed, if any; nothing is written after it.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Starts the log <paramref name="path"/> under a temporary name beside it; <see cref="RunFileException"/> when the file cannot be created.</summary>
    public static RunLog Begin(string path)
    {
        string temporary = path + ".partial";
        try
        {
            // FileShare.Delete: Windows renames an open file only when its handles share delete.
            var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete);
            return new RunLog(path, temporary, stream);
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            throw RunFileException.For(ex, temporary);
        }
    }

    /// <summary>
    /// Flushes what was written and renames the file over its final name, then removes
    /// <paramref name="older"/> (other days' logs of the component); a fault before the rename is
    /// a <see cref="RunFileException"/> and the earlier log is untouched.
    /// </summary>
    public void Commit(IEnumerable<string> older)
    {
        lock (Gate)
        {
            try
            {
                writer.Flush();
                stream.Flush(flushToDisk: true);
                File.Move(Path, finalPath, overwrite: true);
                Path = finalPath;
            }
            catch (Exception ex) when (RunFileException.IsFileFault(ex))
            {
                throw RunFileException.For(Fault ?? ex, finalPath);
            }
        }

        foreach (string old in older)
        {
            if (!string.Equals(old, finalPath, StringComparison.Ordinal))
            {
                try
                {
                    File.Delete(old);
                }
                catch (Exception ex) when (RunFileException.IsFileFault(ex))
                {
                    // The new log exists: an older one that stays is untidy, not lost evidence.
                    Line(RunFileException.Describe(ex, old));
                }
            }
        }
    }

    /// <summary>Removes the temporary file of a log never committed (the run did not start).</summary>
    public void Abandon()
    {
        Dispose();
        if (!string.Equals(Path, finalPath, StringComparison.Ordinal))
        {
            try
            {
                File.Delete(Path);
            }
            catch (Exception ex) when (RunFileException.IsFileFault(ex))
            {
                // A leftover .partial is replaced by the next run.
            }
        }
    }

    /// <summary>Writes one line.</summary>
    public void Line(string text = "")
    {
        lock (Gate)
        {
            Guard(() => writer.WriteLine(text));
        }
    }

    /// <summary>Writes text as it is, each of its lines indented by <paramref name="indent"/>.</summary>
    public void Block(string text, string indent = "")
    {
        lock (Gate)
        {
            if (Fault is not null || closed)
            {
                return;
            }

            try
            {
                WriteLines(writer, text, indent);
            }
            catch (Exception ex) when (RunFileException.IsFileFault(ex))
            {
                Fault = ex;
            }
        }
    }

    /// <summary>
    /// Writes bytes already in the log's form (UTF-8, CRLF lines) after what was written as
    /// text: the batches a dry run listed (<see cref="DryRunListing"/>).
    /// </summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        lock (Gate)
        {
            if (Fault is not null || closed)
            {
                return;
            }

            try
            {
                writer.Flush();
                stream.Write(bytes);
            }
            catch (Exception ex) when (RunFileException.IsFileFault(ex))
            {
                Fault = ex;
            }
        }
    }

    /// <summary>
    /// The lines of <paramref name="text"/> as the log writes them: each after <paramref name="indent"/>
    /// and ended by the writer's new line, whatever ended it in the text (LF, CR, CRLF or another
    /// Unicode line end, as <see cref="MemoryExtensions.EnumerateLines(ReadOnlySpan{char})"/> reads them).
    /// </summary>
    internal static void WriteLines(TextWriter writer, ReadOnlySpan<char> text, string indent)
    {
        if (text.IndexOfAny(RareLineEnds) >= 0)
        {
            foreach (var line in text.EnumerateLines())
            {
                writer.Write(indent);
                writer.WriteLine(line);
            }

            return;
        }

        // Scripts end their lines with LF or CRLF: a search for three ASCII characters (vectorised
        // and precompiled in the runtime) instead of EnumerateLines' six, half of them not ASCII.
        while (true)
        {
            writer.Write(indent);
            int end = text.IndexOfAny('\r', '\n', '\f');
            if (end < 0)
            {
                writer.WriteLine(text);
                return;
            }

            writer.WriteLine(text[..end]);
            text = text[(text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? end + 2 : end + 1)..];
        }
    }

    /// <summary>The line ends EnumerateLines knows besides CR, LF and FF (NEL, LS, PS).</summary>
    private static ReadOnlySpan<char> RareLineEnds => ['\u0085', '\u2028', '\u2029'];

    /// <summary>Pushes what was written to the file.</summary>
    public void Flush()
    {
        lock (Gate)
        {
            Guard(() =>
            {
                writer.Flush();
                stream.Flush(flushToDisk: false);
            });
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (Gate)
        {
            if (closed)
            {
                return;
            }

            closed = true;
            try
            {
                writer.Dispose();
            }
            catch (Exception ex) when (RunFileException.IsFileFault(ex))
            {
                // The flush at close failed too (disk full): the stream is closed anyway.
                Fault ??= ex;
                try
                {
                    stream.Dispose();
                }
                catch (Exception again) when (RunFileException.IsFileFault(again))
                {
                    // Its own buffer could not be written either; the handle is released.
                }
            }
        }
    }

    private void Guard(Action write)
    {
        if (Fault is not null || closed)
        {
            return;
        }

        try
        {
            write();
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            Fault = ex;
        }
    }
}
