using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>A script to run: its path and the name the journal and the log know it by (its file name).</summary>
public sealed record ScriptFile(string Path, string Name);

/// <summary>An entry of a given folder that the run leaves out, and why (listed in the summary).</summary>
public sealed record IgnoredEntry(string Path, string Reason);

/// <summary>The scripts of a run and what the given folders held besides.</summary>
public sealed record ScriptSelection(IReadOnlyList<ScriptFile> Scripts, IReadOnlyList<IgnoredEntry> Ignored);

/// <summary>
/// The scripts of a run: files in the order given; for a directory, its .sql files (any case of
/// the extension, on every system; not those of its sub-directories) in ordinal order of their
/// names, so 010_ runs before 020_ on every machine and culture. Sub-folders and other files of
/// a given folder are listed as ignored; a FIFO or device is refused (reading it would hang).
/// </summary>
public static class ScriptSource
{
    private static readonly Localizer Text = new("Run");

    /// <summary>The scripts named by <paramref name="paths"/>; a usage error for a missing path, an empty folder or two scripts with one name.</summary>
    public static ScriptSelection Resolve(IEnumerable<string> paths)
    {
        var scripts = new List<ScriptFile>();
        var ignored = new List<IgnoredEntry>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = new List<string>();
                foreach (string entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
                {
                    if (Directory.Exists(entry))
                    {
                        ignored.Add(new IgnoredEntry(entry, Text["IgnoredFolder"]));
                    }
                    else if (!entry.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                    {
                        ignored.Add(new IgnoredEntry(entry, Text["IgnoredNotSql"]));
                    }
                    else if (FileKind.IsSpecial(entry))
                    {
                        ignored.Add(new IgnoredEntry(entry, FileKind.NotRegularText));
                    }
                    else
                    {
                        files.Add(entry);
                    }
                }

                if (files.Count == 0)
                {
                    throw new UsageException(Text["FolderEmpty", path]);
                }

                scripts.AddRange(files.OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).Select(f => new ScriptFile(f, Path.GetFileName(f))));
            }
            else if (File.Exists(path))
            {
                if (FileKind.IsSpecial(path))
                {
                    throw new UsageException(Text["ScriptNotRegular", path]);
                }

                scripts.Add(new ScriptFile(path, Path.GetFileName(path)));
            }
            else
            {
                throw new UsageException(Text["PathMissing", path]);
            }
        }

        if (scripts.Count == 0)
        {
            throw new UsageException(Text["NoScript"]);
        }

        // The journal knows a script by its file name: two of one name in a run would be confused.
        var duplicate = scripts.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UsageException(Text["ScriptDuplicate", duplicate.Key, string.Join(", ", duplicate.Select(s => s.Path))]);
        }

        return new ScriptSelection(scripts, ignored);
    }
}
