using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Sql;

/// <summary>Every .sql file of the repository parses as SQL Server 2017 T-SQL (ScriptDom).</summary>
public sealed class SqlFilesParseTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string path in Repository.SqlFiles())
        {
            data.Add(Path.GetRelativePath(Repository.Root, path).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void File_parses_with_TSql140Parser_without_errors(string relativePath)
    {
        string sql = File.ReadAllText(Repository.PathOf(relativePath));

        var errors = SqlParsing.Errors(SqlParsing.WithoutSqlCmdDirectives(sql));

        Assert.True(errors.Count == 0, relativePath + ":\n" + string.Join("\n", errors));
    }

    [Fact]
    public void The_repository_has_sql_files_to_parse()
    {
        Assert.Contains(Repository.SqlFiles(), path => path.EndsWith("MC_print.sql", StringComparison.Ordinal));
    }
}
