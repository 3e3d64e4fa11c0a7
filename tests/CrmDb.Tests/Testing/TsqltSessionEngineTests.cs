using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Testing;

/// <summary>crmdb test and the session of tSQLt.RunAll: PRINT output kept, a fatal error survived (issue 13).</summary>
public sealed partial class TsqltEngineTests
{
    [EngineFact]
    public void Print_output_is_shown_and_a_severity_20_error_in_a_test_fails_the_run_with_its_results_and_the_databases_dropped()
    {
        string server = Engine.RequireConnection();
        string tsqlt = TsqltRequirement.RequireScript();
        string tests = Path.Combine(Path.GetTempPath(), "crmdb-tsqlt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(tests);
        try
        {
            File.WriteAllText(Path.Combine(tests, "SessionTests.class.sql"), """
                EXEC tSQLt.NewTestClass 'SessionTests';
                GO
                PRINT N'class loaded, printed while loading';
                GO
                CREATE PROCEDURE SessionTests.[test a that prints]
                AS
                BEGIN
                    PRINT N'printed by a test';
                END;
                GO
                CREATE PROCEDURE SessionTests.[test b that ends the session]
                AS
                BEGIN
                    RAISERROR(N'fatal on purpose', 20, 1) WITH LOG;
                END;
                GO
                """);

            var result = Test(server, tsqlt, tests);

            Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
            Assert.Contains("class loaded, printed while loading", result.Out, StringComparison.Ordinal);
            Assert.Contains("printed by a test", result.Out, StringComparison.Ordinal);
            Assert.Contains("tSQLt.RunAll: connection lost", result.Error, StringComparison.Ordinal);
            Assert.Contains("[Success] SessionTests.[test a that prints]", result.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            AssertDropped(server, result.Out);
        }
        finally
        {
            Directory.Delete(tests, recursive: true);
        }
    }
}
