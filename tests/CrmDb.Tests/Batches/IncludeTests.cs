using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>:r includes: relative to the including file, part of the current batch, cycles refused.</summary>
public sealed class IncludeTests
{
    [Fact]
    public void An_included_file_joins_the_current_batch_and_its_lines_map_back_to_it()
    {
        var files = new Dictionary<string, string> { ["inc/part.sql"] = "SELECT 'part'\nGO\nSELECT 'after'" };

        var batches = Splitting.Split("SELECT 'before'\n:r inc/part.sql\nSELECT 'tail'", files: files);

        Assert.Equal(["SELECT 'before'\nSELECT 'part'", "SELECT 'after'\nSELECT 'tail'"], batches.Select(b => b.Text));
        Assert.Equal(("main.sql", 1), batches[0].Locate(1));
        Assert.EndsWith("part.sql", batches[0].Locate(2).File, StringComparison.Ordinal);
        Assert.Equal(1, batches[0].Locate(2).Line);
        Assert.EndsWith("part.sql", batches[1].File, StringComparison.Ordinal);
        Assert.Equal(3, batches[1].StartLine);
        Assert.Equal(("main.sql", 3), batches[1].Locate(2));
    }

    [Fact]
    public void Paths_are_relative_to_the_including_file_not_the_current_directory()
    {
        // classic sqlcmd resolves :r against the current directory; the project (issue 6) against the including file.
        var files = new Dictionary<string, string>
        {
            ["a/first.sql"] = ":r sub/second.sql",
            ["a/sub/second.sql"] = ":r \"../third.sql\"",
            ["a/third.sql"] = "SELECT 3",
        };

        var batch = Assert.Single(Splitting.Split(":r a/first.sql", files: files));

        Assert.Equal("SELECT 3", batch.Text);
    }

    [Fact]
    public void Variables_are_replaced_in_the_path_and_setvar_in_an_include_holds_after_it()
    {
        var files = new Dictionary<string, string> { ["v1/defs.sql"] = ":setvar Table Account" };

        var batch = Assert.Single(Splitting.Split(":setvar Version v1\n:r $(Version)/defs.sql\nSELECT * FROM $(Table)", files: files));

        Assert.Equal("SELECT * FROM Account", batch.Text);
    }

    [Fact]
    public void A_cycle_is_an_error_naming_the_chain()
    {
        var files = new Dictionary<string, string> { ["a.sql"] = "SELECT 1\n:r b.sql", ["b.sql"] = ":r a.sql" };

        var error = Splitting.Error(":r a.sql", files: files);

        Assert.Equal(BatchErrorKind.IncludeCycle, error.Kind);
        Assert.EndsWith("b.sql", error.File, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
        Assert.Contains("a.sql -> b.sql -> a.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Including_itself_is_a_cycle()
    {
        var error = Splitting.Error("SELECT 1\n:r main.sql");

        Assert.Equal(BatchErrorKind.IncludeCycle, error.Kind);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void The_same_file_may_be_included_twice_in_a_row()
    {
        var files = new Dictionary<string, string> { ["x.sql"] = "SELECT 'x'\nGO" };

        var batches = Splitting.Split(":r x.sql\n:r x.sql", files: files);

        Assert.Equal(2, batches.Count);
    }

    [Fact]
    public void A_missing_include_is_an_error_at_the_r_line()
    {
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");
        var error = Splitting.Error("SELECT 1\n:r nowhere.sql");

        Assert.Equal(BatchErrorKind.IncludeNotFound, error.Kind);
        Assert.Equal("main.sql", error.File);
        Assert.Equal(2, error.Line);
        Assert.Contains("nowhere.sql", error.Message, StringComparison.Ordinal);
        // The message names the :r line, not only the file.
        Assert.StartsWith("main.sql, ligne 2 : :r : fichier introuvable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Includes_nested_deeper_than_the_limit_are_an_error_at_the_r_line_that_goes_too_deep()
    {
        // a0 includes a1, which includes a2, ... : a chain as deep as wanted, never a cycle.
        var files = Enumerable.Range(0, 12).ToDictionary(i => $"a{i}.sql", i => $"SELECT {i}\n:r a{i + 1}.sql");
        files["a12.sql"] = "SELECT 12";
        var options = (int depth) => new BatchReaderOptions
        {
            MaxIncludeDepth = depth,
            Open = path => files.TryGetValue(Path.GetFileName(path), out string? text) ? new StringReader(text) : throw new FileNotFoundException(path),
        };

        var all = new BatchReader(options(13)).Read(new StringReader(":r a0.sql"), "main.sql", Splitting.Folder).ToList();
        var error = Assert.Throws<BatchScriptException>(() => new BatchReader(options(5)).Read(new StringReader(":r a0.sql"), "main.sql", Splitting.Folder).ToList());

        Assert.Single(all);
        Assert.Equal(BatchErrorKind.IncludeTooDeep, error.Kind);
        Assert.EndsWith("a4.sql", error.File, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
        Assert.Equal(BatchReaderOptions.DefaultMaxIncludeDepth, new BatchReaderOptions().MaxIncludeDepth);
        Assert.InRange(BatchReaderOptions.DefaultMaxIncludeDepth, 32, 1000);
    }

    [Fact]
    public void A_comment_left_open_in_an_include_is_reported_in_that_file()
    {
        var files = new Dictionary<string, string> { ["open.sql"] = "SELECT 1\n/* never closed" };

        var error = Splitting.Error(":r open.sql\nSELECT 2", files: files);

        Assert.Equal(BatchErrorKind.UnterminatedComment, error.Kind);
        Assert.EndsWith("open.sql", error.File, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
    }
}
