using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>Which scripts a run takes, in which order, and which component names are accepted.</summary>
public sealed class SourceTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void A_folder_gives_its_sql_files_in_ordinal_name_order_and_files_keep_the_order_given()
    {
        // The reasons are checked in French, the default language, whatever other tests set.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");
        foreach (string name in new[] { "b.sql", "A.sql", "010_x.sql", "02_y.sql", "a.SQL.txt", "notes.md", "é.sql", "C.SQL" })
        {
            fixture.Write(name, "SELECT 1");
        }

        Directory.CreateDirectory(Path.Combine(fixture.Scripts, "sub"));
        File.WriteAllText(Path.Combine(fixture.Scripts, "sub", "0.sql"), "SELECT 0");
        string single = Path.Combine(fixture.Root, "first.sql");
        File.WriteAllText(single, "SELECT 1");

        var selection = ScriptSource.Resolve([single, fixture.Scripts]);

        // .SQL counts on every system (Linux's EnumerateFiles pattern is case-sensitive).
        Assert.Equal(["first.sql", "010_x.sql", "02_y.sql", "A.sql", "C.SQL", "b.sql", "é.sql"], selection.Scripts.Select(s => s.Name));
        Assert.Equal(["a.SQL.txt", "notes.md", "sub"], selection.Ignored.Select(i => Path.GetFileName(i.Path)).Order(StringComparer.Ordinal));
        Assert.Contains("sous-dossier", selection.Ignored.Single(i => i.Path.EndsWith("sub", StringComparison.Ordinal)).Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_fifo_named_sql_is_refused_or_ignored_instead_of_hanging_the_run()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "FIFOs and statx are Linux features; Windows has no FIFO in a folder.");
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");
        string fifo = Path.Combine(fixture.Scripts, "x.sql");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        fixture.Write("a.sql", "SELECT 1");

        var selection = ScriptSource.Resolve([fixture.Scripts]);
        var error = Assert.Throws<UsageException>(() => ScriptSource.Resolve([fifo]));

        Assert.Equal(["a.sql"], selection.Scripts.Select(s => s.Name));
        Assert.Contains("pas un fichier ordinaire", Assert.Single(selection.Ignored).Reason, StringComparison.Ordinal);
        Assert.Contains("x.sql n'est pas un fichier ordinaire", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_path_an_empty_folder_and_two_scripts_of_one_name_are_usage_errors()
    {
        // Messages are checked in French, the default language, whatever other tests set.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");
        Assert.Contains("absent.sql", Assert.Throws<UsageException>(() => ScriptSource.Resolve([Path.Combine(fixture.Root, "absent.sql")])).Message, StringComparison.Ordinal);
        string empty = Directory.CreateDirectory(Path.Combine(fixture.Root, "empty")).FullName;
        Assert.Contains("aucun fichier .sql", Assert.Throws<UsageException>(() => ScriptSource.Resolve([empty])).Message, StringComparison.Ordinal);
        string one = fixture.Write("same.sql", "SELECT 1");
        string other = Directory.CreateDirectory(Path.Combine(fixture.Root, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "same.sql"), "SELECT 2");
        Assert.Contains("same.sql", Assert.Throws<UsageException>(() => ScriptSource.Resolve([one, other])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CRMPLUS")]
    [InlineData("crm-plus_2.1")]
    public void Safe_component_names_are_accepted(string name)
    {
        Assert.Equal(name, ComponentName.Validate(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a b")]
    [InlineData("a*")]
    [InlineData("é")]
    [InlineData("CRMPLUS.dry-run")]
    [InlineData("CRMPLUS.DRY-RUN")]
    public void Unsafe_component_names_are_refused(string name)
    {
        Assert.Throws<UsageException>(() => ComponentName.Validate(name));
    }

    [Fact]
    public void A_too_long_component_name_is_refused()
    {
        Assert.Throws<UsageException>(() => ComponentName.Validate(new string('a', ComponentName.MaxLength + 1)));
    }
}
