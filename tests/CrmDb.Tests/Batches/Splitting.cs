using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>Splits scripts held in memory: a virtual folder of files for :r, no disk.</summary>
internal static class Splitting
{
    /// <summary>The virtual folder the script and its includes live in.</summary>
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), "crmdb-virtual");

    /// <summary>Splits <paramref name="script"/> (named main.sql); <paramref name="files"/> are other files of the folder, by relative path.</summary>
    public static IReadOnlyList<Batch> Split(string script, IReadOnlyDictionary<string, string>? variables = null, IReadOnlyDictionary<string, string>? files = null, bool substitute = true)
    {
        var all = (files ?? new Dictionary<string, string>())
            .ToDictionary(f => Path.GetFullPath(Path.Combine(Folder, f.Key)), f => f.Value, PathComparer);
        var options = new BatchReaderOptions
        {
            Variables = variables ?? new Dictionary<string, string>(),
            SubstituteVariables = substitute,
            Open = path => all.TryGetValue(path, out string? text) ? new StringReader(text) : throw new FileNotFoundException("no such file", path),
        };
        return new BatchReader(options).Read(new StringReader(script), "main.sql", Folder).ToList();
    }

    /// <summary>The error splitting <paramref name="script"/> raises.</summary>
    public static BatchScriptException Error(string script, IReadOnlyDictionary<string, string>? variables = null, IReadOnlyDictionary<string, string>? files = null) =>
        Assert.Throws<BatchScriptException>(() => Split(script, variables, files));

    private static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
}
