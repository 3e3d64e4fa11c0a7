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

    /// <summary>
    /// The first of <paramref name="paths"/> that a running crmdb holds open (it keeps its log
    /// open, shared for reading only), or null.
    /// </summary>
    public static string? FindInUse(IEnumerable<string> paths)
    {
        foreach (string path in paths)
        {
            try
            {
                using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (FileNotFoundException)
            {
            }
            catch (IOException)
            {
                return path;
            }
        }

        return null;
    }
}

/// <summary>
/// One run's bachsql log: UTF-8 (with a BOM, for Windows tools), written as the run goes and
/// flushed after each batch, so a killed run leaves every finished batch in it. The file stays
/// open, shared for reading only, until the run ends: support can read it meanwhile, and another
/// run of the component cannot reset it.
/// </summary>
public sealed class RunLog : IDisposable
{
    private readonly FileStream stream;
    private readonly StreamWriter writer;
    private readonly Lock gate = new();

    private RunLog(string path)
    {
        Path = path;
        stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)) { NewLine = "\r\n" };
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Creates the log file (replacing one of the same name).</summary>
    public static RunLog Create(string path) => new(path);

    /// <summary>Writes one line.</summary>
    public void Line(string text = "")
    {
        lock (gate)
        {
            writer.WriteLine(text);
        }
    }

    /// <summary>Writes text as it is, each of its lines indented by <paramref name="indent"/>.</summary>
    public void Block(string text, string indent = "")
    {
        lock (gate)
        {
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                writer.Write(indent);
                writer.WriteLine(line);
            }
        }
    }

    /// <summary>Pushes what was written to the file.</summary>
    public void Flush()
    {
        lock (gate)
        {
            writer.Flush();
            stream.Flush(flushToDisk: false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            writer.Dispose();
        }
    }
}
