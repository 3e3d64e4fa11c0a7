using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>A script to run: its path and the name the journal and the log know it by (its file name).</summary>
public sealed record ScriptFile(string Path, string Name);

/// <summary>
/// The scripts of a run: files in the order given; for a directory, its .sql files (not those
/// of its sub-directories) in ordinal order of their names, so 010_ runs before 020_ on every
/// machine and culture.
/// </summary>
public static class ScriptSource
{
    private static readonly Localizer Text = new("Run");

    /// <summary>The scripts named by <paramref name="paths"/>; a usage error for a missing path, an empty folder or two scripts with one name.</summary>
    public static IReadOnlyList<ScriptFile> Resolve(IEnumerable<string> paths)
    {
        var scripts = new List<ScriptFile>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*.sql", SearchOption.TopDirectoryOnly)
                    .Where(f => f.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    throw new UsageException(Text["FolderEmpty", path]);
                }

                scripts.AddRange(files.Select(f => new ScriptFile(f, Path.GetFileName(f))));
            }
            else if (File.Exists(path))
            {
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

        return scripts;
    }
}
