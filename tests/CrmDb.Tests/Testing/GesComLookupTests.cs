using CrmDb.Runner.Testing;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Tests.Testing;

/// <summary>Where crmdb test finds GesCom.dacpac (the fixture tests/fixtures/GesCom) without --gescom-dacpac.</summary>
public sealed class GesComLookupTests : IDisposable
{
    private const string Nowhere = "Server=127.0.0.1,1;Database=master;Connect Timeout=1;TrustServerCertificate=true";

    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-gescom-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Where the solution build puts the fixture's package (the tests are built in the same configuration as crmdb).</summary>
    private static string BuiltFixture(string configuration) =>
        Repository.PathOf("tests", "fixtures", "GesCom", "bin", configuration, TestPlan.GesComFileName);

    [Fact]
    public void The_repository_s_test_folder_leads_to_the_fixture_the_build_made()
    {
        string tsqlt = Path.Combine(folder, "tSQLt.class.sql");
        File.WriteAllText(tsqlt, "PRINT 'tSQLt';\n");
        Assert.True(File.Exists(BuiltFixture(Repository.Configuration)), BuiltFixture(Repository.Configuration) + " is missing: build the solution first (dotnet build CrmDb.sln).");

        var plan = TestPlan.Create(Nowhere, tsqlt, Repository.PathOf("tests", "tsqlt"), Repository.CrmDbDacpac, null, new DacDeployOptions(), keep: false);

        Assert.Equal(BuiltFixture(Repository.Configuration), plan.GesComDacpac);
    }

    [Fact]
    public void Beside_crmdb_dacpac_first_then_both_build_configurations_own_one_first()
    {
        string other = Repository.Configuration == "Release" ? "Debug" : "Release";

        var candidates = TestPlan.GesComCandidates(Path.GetDirectoryName(Repository.CrmDbDacpac)!, Repository.PathOf("tests", "tsqlt"));

        Assert.Equal(
            [
                Path.Combine(Path.GetDirectoryName(Repository.CrmDbDacpac)!, TestPlan.GesComFileName),
                BuiltFixture(Repository.Configuration),
                BuiltFixture(other),
            ],
            candidates);
    }

    [Theory]
    [InlineData("Debug")]
    [InlineData("Release")]
    public void A_fixture_built_in_either_configuration_is_found(string configuration)
    {
        // A copy of the repository's layout: tests/tsqlt beside tests/fixtures/GesCom/bin/<configuration>.
        string tests = Directory.CreateDirectory(Path.Combine(folder, "tests", "tsqlt")).FullName;
        File.WriteAllText(Path.Combine(tests, "XTests.class.sql"), "EXEC tSQLt.NewTestClass 'XTests';\n");
        string built = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "tests", "fixtures", "GesCom", "bin", configuration)).FullName, TestPlan.GesComFileName);
        File.WriteAllText(built, "not read by the plan");
        string tsqlt = Path.Combine(folder, "tSQLt.class.sql");
        File.WriteAllText(tsqlt, "PRINT 'tSQLt';\n");

        var plan = TestPlan.Create(Nowhere, tsqlt, tests, Repository.CrmDbDacpac, null, new DacDeployOptions(), keep: false);

        Assert.Equal(built, plan.GesComDacpac);
    }

    [Fact]
    public void When_nothing_is_found_the_plan_says_where_it_looked()
    {
        string tests = Directory.CreateDirectory(Path.Combine(folder, "elsewhere", "tsqlt")).FullName;
        File.WriteAllText(Path.Combine(tests, "XTests.class.sql"), "EXEC tSQLt.NewTestClass 'XTests';\n");
        string tsqlt = Path.Combine(folder, "tSQLt.class.sql");
        File.WriteAllText(tsqlt, "PRINT 'tSQLt';\n");

        var plan = TestPlan.Create(Nowhere, tsqlt, tests, Repository.CrmDbDacpac, null, new DacDeployOptions(), keep: false);

        Assert.Null(plan.GesComDacpac);
        Assert.Equal(TestPlan.GesComCandidates(Path.GetDirectoryName(Repository.CrmDbDacpac)!, tests), plan.GesComSearched);
    }
}
