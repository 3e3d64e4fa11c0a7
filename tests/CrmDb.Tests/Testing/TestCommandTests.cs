using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Testing;

/// <summary>
/// crmdb test refuses bad input with exit 2 before it touches a server (the connection string
/// names a server that does not exist: reaching it would fail differently).
/// </summary>
public sealed class TestCommandTests : IDisposable
{
    private const string Nowhere = "Server=127.0.0.1,1;Database=master;Connect Timeout=1;TrustServerCertificate=true";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "crmdb-testcmd-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string tsqlt;
    private readonly string tests;

    public TestCommandTests()
    {
        tests = Path.Combine(folder, "tsqlt");
        Directory.CreateDirectory(tests);
        tsqlt = Path.Combine(folder, "tSQLt.class.sql");
        File.WriteAllText(tsqlt, "PRINT 'tSQLt';\nGO\n");
        File.WriteAllText(Path.Combine(tests, "XTests.class.sql"), "EXEC tSQLt.NewTestClass 'XTests';\nGO\n");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static CliResult Test(params string[] more) => CliRunner.Run(
        ["test", "--connection", Nowhere, "--dacpac", Repository.CrmDbDacpac, "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--lang", "en", .. more]);

    [Fact]
    public void Without_tsqlt_it_says_where_to_download_it()
    {
        var result = Test("--tests", tests);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("https://tsqlt.org/downloads/", result.Error);
    }

    [Fact]
    public void A_tsqlt_file_that_does_not_exist_is_named()
    {
        string missing = Path.Combine(folder, "nope", "tSQLt.class.sql");
        var result = Test("--tsqlt", missing, "--tests", tests);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(missing, result.Error);
    }

    [Fact]
    public void A_test_folder_that_does_not_exist_or_holds_no_class_is_refused()
    {
        var missing = Test("--tsqlt", tsqlt, "--tests", Path.Combine(folder, "none"));
        string empty = Path.Combine(folder, "empty");
        Directory.CreateDirectory(empty);
        var noClass = Test("--tsqlt", tsqlt, "--tests", empty);

        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains(Path.Combine(folder, "none"), missing.Error);
        Assert.Equal(ExitCodes.BadInput, noClass.ExitCode);
        Assert.Contains("*.class.sql", noClass.Error);
    }

    [Fact]
    public void A_gescom_package_given_but_missing_is_refused()
    {
        string missing = Path.Combine(folder, "GesCom.dacpac");
        var result = Test("--tsqlt", tsqlt, "--tests", tests, "--gescom-dacpac", missing);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(missing, result.Error);
    }

    [Fact]
    public void A_test_class_that_does_not_parse_is_refused_with_its_file_and_line()
    {
        string broken = Path.Combine(tests, "BrokenTests.class.sql");
        File.WriteAllText(broken, "EXEC tSQLt.NewTestClass 'BrokenTests';\nGO\nCREATE PROCEDURE BrokenTests.[test x] AS BEGIN SELECT FROM; END;\nGO\n");

        var result = Test("--tsqlt", tsqlt, "--tests", tests);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(broken + ": line 3", result.Error);
    }
}
