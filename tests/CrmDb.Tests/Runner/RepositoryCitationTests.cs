using System.Text.RegularExpressions;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Runner;

/// <summary>
/// The repository cites nothing outside itself: its design record is docs/design.md, and every
/// docs page a file names exists.
/// </summary>
public sealed partial class RepositoryCitationTests
{
    private static readonly string[] TextExtensions = [".cs", ".sql", ".md", ".csproj", ".sqlproj", ".props", ".targets", ".xml", ".yml", ".resx", ".json"];

    private static IEnumerable<(string Relative, string Text)> TrackedTextFiles() =>
        Directory.EnumerateFiles(Repository.Root, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, Relative: Path.GetRelativePath(Repository.Root, path).Replace('\\', '/')))
            .Where(f => !f.Relative.Split('/').Any(part => part is "bin" or "obj" or ".git" or "TestResults" or "out" or "Generated"))
            .Where(f => TextExtensions.Contains(Path.GetExtension(f.Path), StringComparer.OrdinalIgnoreCase) || f.Relative == ".ci/run")
            .Select(f => (f.Relative, File.ReadAllText(f.Path)));

    [Fact]
    public void No_file_cites_the_team_s_design_file_or_shared_folder()
    {
        // Built from parts so that this file does not cite them either.
        string[] outside = ["DESIGN" + ".md", "shared/" + "reference", "shared/" + "seeds", "/work" + "/"];

        var citing = TrackedTextFiles()
            .SelectMany(f => outside.Where(o => f.Text.Contains(o, StringComparison.Ordinal)).Select(o => $"{f.Relative}: {o}"))
            .ToList();

        Assert.True(citing.Count == 0, string.Join('\n', citing));
        Assert.True(File.Exists(Repository.PathOf("docs", "design.md")));
    }

    [Fact]
    public void Every_docs_page_a_file_names_exists()
    {
        var files = TrackedTextFiles().ToList();
        var missing = files
            .SelectMany(f => DocsPage().Matches(f.Text).Select(m => (f.Relative, Page: m.Groups[1].Value)))
            .Where(c => !File.Exists(Repository.PathOf("docs", c.Page + ".md")))
            .Select(c => $"{c.Relative}: docs/{c.Page}.md")
            .Distinct()
            .ToList();

        Assert.Contains(files, f => f.Text.Contains("docs/benchmarks.md", StringComparison.Ordinal));
        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [GeneratedRegex(@"docs/([A-Za-z0-9_\-]+)\.md")]
    private static partial Regex DocsPage();
}
