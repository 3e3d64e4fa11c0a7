using CrmDb.Runner.Cli;
using CrmDb.Runner.Testing;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Testing;

/// <summary>The batch splitting crmdb test uses for tSQLt.class.sql and the test classes.</summary>
public sealed class SqlBatchesTests
{
    [Fact]
    public void A_script_is_split_at_go_lines_with_the_line_each_batch_starts_on()
    {
        var batches = SqlBatches.Split("""
            EXEC tSQLt.NewTestClass 'XTests';
            GO

            CREATE PROCEDURE XTests.[test one] AS BEGIN SELECT 1; END;
            go
            SELECT 2;
            """, "X.class.sql");

        Assert.Equal([1, 4, 6], batches.Select(b => b.Line));
        Assert.Equal("EXEC tSQLt.NewTestClass 'XTests';", batches[0].Text);
        Assert.StartsWith("CREATE PROCEDURE XTests.[test one]", batches[1].Text);
        Assert.DoesNotContain(batches, b => b.Text.Contains("GO", StringComparison.OrdinalIgnoreCase) && !b.Text.Contains("NewTestClass"));
    }

    [Fact]
    public void Go_inside_a_string_or_a_comment_does_not_end_the_batch()
    {
        var batches = SqlBatches.Split("""
            SELECT N'
            GO
            ' AS Text;
            /*
            GO
            */
            SELECT 1;
            GO
            SELECT 2;
            """, "S.sql");

        Assert.Equal(2, batches.Count);
        Assert.Contains("SELECT 1;", batches[0].Text);
    }

    [Fact]
    public void A_script_that_does_not_parse_is_a_usage_error_naming_the_file_and_line()
    {
        var ex = Assert.Throws<UsageException>(() => SqlBatches.Split("SELECT 1;\nGO\nSELECT FROM WHERE;\n", "Broken.class.sql"));

        Assert.Contains("Broken.class.sql", ex.Message);
        Assert.Contains("3", ex.Message);
    }

    [Fact]
    public void Every_tsqlt_test_class_of_the_repository_splits_and_starts_by_creating_its_class()
    {
        var files = Directory.EnumerateFiles(Repository.PathOf("tests", "tsqlt"), "*.class.sql").ToList();
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            string className = Path.GetFileName(file)[..^".class.sql".Length];
            var batches = SqlBatches.Split(File.ReadAllText(file), file);
            Assert.True(batches.Count > 1, file + " holds no test");
            Assert.Contains($"tSQLt.NewTestClass '{className}'", batches[0].Text);
            Assert.All(batches.Skip(1), b => Assert.Contains($"{className}.[test ", b.Text));
        }
    }
}
