using System.Text.RegularExpressions;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Testing;

/// <summary>
/// crmdb test against a real SQL Server with tSQLt (CRMDB_TEST_CONNECTION and CRMDB_TSQLT;
/// skipped with the reason otherwise).
/// </summary>
public sealed partial class TsqltEngineTests
{
    private static CliResult Test(string server, string tsqlt, string tests) => CliRunner.Run(
        "test", "--connection", server, "--tsqlt", tsqlt, "--tests", tests,
        "--dacpac", Repository.CrmDbDacpac, "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--lang", "en");

    [EngineFact]
    public void The_repository_tsqlt_suite_passes_and_its_throwaway_databases_are_dropped()
    {
        string server = Engine.RequireConnection();
        string tsqlt = TsqltRequirement.RequireScript();

        var result = Test(server, tsqlt, Repository.PathOf("tests", "tsqlt"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Out + result.Error);
        Assert.Contains("[Success] TestEnvironmentTests.[test the Sage CRM tables of the reference model are deployed]", result.Out);
        AssertDropped(server, result.Out);
    }

    [EngineFact]
    public void A_failing_test_and_a_class_that_does_not_load_exit_1_with_details_and_the_databases_are_still_dropped()
    {
        string server = Engine.RequireConnection();
        string tsqlt = TsqltRequirement.RequireScript();
        string tests = Path.Combine(Path.GetTempPath(), "crmdb-tsqlt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(tests);
        try
        {
            File.WriteAllText(Path.Combine(tests, "FailingTests.class.sql"), """
                EXEC tSQLt.NewTestClass 'FailingTests';
                GO
                CREATE PROCEDURE FailingTests.[test that fails on purpose]
                AS
                BEGIN
                    EXEC tSQLt.Fail @Message0 = N'failed on purpose';
                END;
                GO
                CREATE PROCEDURE FailingTests.[test that passes]
                AS
                BEGIN
                    EXEC tSQLt.AssertEquals @Expected = 1, @Actual = 1;
                END;
                GO
                """);
            File.WriteAllText(Path.Combine(tests, "UnloadableTests.class.sql"), """
                EXEC tSQLt.NewTestClass 'UnloadableTests';
                GO
                CREATE PROCEDURE UnloadableTests.[test that reads a column that is not there]
                AS
                BEGIN
                    SELECT NoSuchColumn FROM dbo.MC_Integration;
                END;
                GO
                """);

            var result = Test(server, tsqlt, tests);

            Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
            Assert.Contains("[Failure] FailingTests.[test that fails on purpose]", result.Error);
            Assert.Contains("failed on purpose", result.Error);
            Assert.Contains("[Success] FailingTests.[test that passes]", result.Out);
            Assert.Contains(Path.Combine(tests, "UnloadableTests.class.sql") + ", line 6", result.Error);
            Assert.Contains("NoSuchColumn", result.Error);
            AssertDropped(server, result.Out);
        }
        finally
        {
            Directory.Delete(tests, recursive: true);
        }
    }

    /// <summary>Every database the run said it created no longer exists.</summary>
    private static void AssertDropped(string server, string output)
    {
        var names = CreatedDatabase().Matches(output).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(names);
        using var connection = new SqlConnection(new SqlConnectionStringBuilder(server) { InitialCatalog = "master" }.ConnectionString);
        connection.Open();
        foreach (string name in names)
        {
            using var command = new SqlCommand("SELECT DB_ID(@name);", connection);
            command.Parameters.AddWithValue("@name", name);
            Assert.True(command.ExecuteScalar() is DBNull, name + " was not dropped");
        }
    }

    [GeneratedRegex(@"Test database created: (crmdb_test_\w+) \(")]
    private static partial Regex CreatedDatabase();
}
