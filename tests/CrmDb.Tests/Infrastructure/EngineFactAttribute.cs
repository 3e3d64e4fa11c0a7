namespace CrmDb.Tests.Infrastructure;

/// <summary>
/// A test that needs a SQL Server. It is reported as skipped, with the reason, when
/// CRMDB_TEST_CONNECTION is not set (call <see cref="Engine.RequireConnection"/> first).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[Xunit.Sdk.XunitTestCaseDiscoverer("Xunit.Sdk.SkippableFactDiscoverer", "Xunit.SkippableFact")]
public sealed class EngineFactAttribute : Xunit.FactAttribute
{
}

/// <summary>Access to the SQL Server named by CRMDB_TEST_CONNECTION.</summary>
public static class Engine
{
    /// <summary>The environment variable naming the test server.</summary>
    public const string ConnectionVariable = "CRMDB_TEST_CONNECTION";

    /// <summary>The connection string, or a skip with the reason.</summary>
    public static string RequireConnection()
    {
        string? connection = Environment.GetEnvironmentVariable(ConnectionVariable);
        Xunit.Skip.If(string.IsNullOrWhiteSpace(connection),
            $"{ConnectionVariable} is not set: this test needs a SQL Server 2017 or later (see docs/testing.md).");
        return connection!;
    }
}
