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
        foreach (string name in new[] { "b.sql", "A.sql", "010_x.sql", "02_y.sql", "a.SQL.txt", "notes.md", "é.sql" })
        {
            fixture.Write(name, "SELECT 1");
        }

        Directory.CreateDirectory(Path.Combine(fixture.Scripts, "sub"));
        File.WriteAllText(Path.Combine(fixture.Scripts, "sub", "0.sql"), "SELECT 0");
        string single = Path.Combine(fixture.Root, "first.sql");
        File.WriteAllText(single, "SELECT 1");

        var scripts = ScriptSource.Resolve([single, fixture.Scripts]);

        Assert.Equal(["first.sql", "010_x.sql", "02_y.sql", "A.sql", "b.sql", "é.sql"], scripts.Select(s => s.Name));
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
