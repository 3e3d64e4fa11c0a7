using System.Globalization;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Testing;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Testing;

/// <summary>
/// How crmdb test reads tSQLt.class.sql and the test classes: split by crmdb run's batch parser,
/// each batch parsed before anything is created on the server.
/// </summary>
public sealed class TestScriptTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-testscript-").FullName;

    public TestScriptTests()
    {
        // Messages are checked in French, the default language, whatever other tests set.
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_script_is_split_at_go_lines_with_the_line_each_batch_starts_on()
    {
        string path = Write("X.class.sql", """
            EXEC tSQLt.NewTestClass 'XTests';
            GO

            CREATE PROCEDURE XTests.[test one] AS BEGIN SELECT 1; END;
            go
            SELECT 2;
            """);

        var batches = SqlScript.Read(path).Batches;

        Assert.Equal([1, 4, 6], batches.Select(b => b.StartLine));
        Assert.Equal("EXEC tSQLt.NewTestClass 'XTests';", batches[0].Text);
        Assert.Equal("CREATE PROCEDURE XTests.[test one] AS BEGIN SELECT 1; END;", batches[1].Text);
        Assert.Equal("SELECT 2;", batches[2].Text);
        Assert.All(batches, b => Assert.Equal(path, b.File));
    }

    [Fact]
    public void Go_inside_a_string_or_a_comment_does_not_end_the_batch_and_go_n_is_kept()
    {
        string path = Write("S.sql", """
            SELECT N'
            GO
            ' AS Text;
            /*
            GO
            */
            SELECT 1;
            GO 3
            SELECT 2;
            """);

        var batches = SqlScript.Read(path).Batches;

        Assert.Equal(2, batches.Count);
        Assert.Contains("SELECT 1;", batches[0].Text, StringComparison.Ordinal);
        Assert.Equal([3, 1], batches.Select(b => b.Count));
    }

    [Fact]
    public void Sqlcmd_variables_are_left_as_written()
    {
        // tSQLt.class.sql is written for SSMS, not sqlcmd: $(...) in it is text.
        string path = Write("V.sql", "SELECT N'$(NotAVariable)' AS Text;");

        Assert.Equal("SELECT N'$(NotAVariable)' AS Text;", Assert.Single(SqlScript.Read(path).Batches).Text);
    }

    [Fact]
    public void A_script_that_does_not_parse_is_a_usage_error_naming_the_file_and_line()
    {
        string path = Write("Broken.class.sql", "SELECT 1;\nGO\n\nSELECT FROM WHERE;\n");

        var ex = Assert.Throws<UsageException>(() => SqlScript.Read(path));

        Assert.StartsWith(path + " : ligne 4 : ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_in_an_included_file_names_that_file_and_its_line()
    {
        string included = Write("part.sql", "SELECT 2;\nSELECT FROM WHERE;");
        string path = Write("Main.class.sql", "SELECT 1;\n:r part.sql\nSELECT 3;\n");

        var ex = Assert.Throws<UsageException>(() => SqlScript.Read(path));

        Assert.StartsWith(included + " : ligne 2 : ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_that_cannot_be_split_is_a_usage_error_naming_the_file_and_line()
    {
        string path = Write("Open.class.sql", "SELECT 1;\nGO\n/* jamais fermé\nSELECT 2;\n");

        var ex = Assert.Throws<UsageException>(() => SqlScript.Read(path));

        Assert.Contains("Open.class.sql, ligne 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_tsqlt_test_class_of_the_repository_splits_and_starts_by_creating_its_class()
    {
        var files = Directory.EnumerateFiles(Repository.PathOf("tests", "tsqlt"), "*.class.sql").ToList();
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            string className = Path.GetFileName(file)[..^".class.sql".Length];
            var batches = SqlScript.Read(file).Batches;
            Assert.True(batches.Count > 1, file + " holds no test");
            Assert.Contains($"tSQLt.NewTestClass '{className}'", batches[0].Text);
            // After the class: its tests, and the SetUp, helpers and tables they share, all in the class's schema.
            Assert.Contains(batches, b => b.Text.Contains($"{className}.[test ", StringComparison.Ordinal));
            Assert.All(batches.Skip(1), b => Assert.Contains($"{className}.", b.Text));
        }
    }
}
