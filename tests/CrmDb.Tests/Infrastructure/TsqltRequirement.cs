namespace CrmDb.Tests.Infrastructure;

/// <summary>
/// The tSQLt distribution for engine tests that run the tSQLt suite: CRMDB_TSQLT names its
/// tSQLt.class.sql. Like <see cref="Engine.RequireConnection"/>, a test is reported as skipped
/// with the reason when it is not set.
/// </summary>
public static class TsqltRequirement
{
    /// <summary>The environment variable naming tSQLt.class.sql.</summary>
    public const string Variable = "CRMDB_TSQLT";

    /// <summary>The path of tSQLt.class.sql, or a skip with the reason.</summary>
    public static string RequireScript()
    {
        string? path = Environment.GetEnvironmentVariable(Variable);
        Xunit.Skip.If(string.IsNullOrWhiteSpace(path),
            $"{Variable} is not set: this test needs tSQLt.class.sql from https://tsqlt.org/downloads/ (see docs/testing.md).");
        Assert.True(File.Exists(path), $"{Variable} names '{path}', which does not exist.");
        return path!;
    }
}
