using CrmDb.Runner.Cli;

namespace CrmDb.Tests.Infrastructure;

/// <summary>
/// CrmDb published for an engine test exactly as a DBA publishes it: the repository's
/// CrmDb.dacpac and profile, through crmdb publish, onto a throwaway database.
/// </summary>
public static class CrmDbDeployment
{
    /// <summary>Publishes onto <paramref name="database"/>; fails the test with crmdb's output when the publish fails. Returns what crmdb printed.</summary>
    public static string Publish(ThrowawayDatabase database)
    {
        var published = CliRunner.Run("publish", "--connection", database.ConnectionString, "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"),
            "--output-dir", Path.Combine(Path.GetTempPath(), "crmdb-publish-" + Guid.NewGuid().ToString("N")));
        Assert.True(published.ExitCode == ExitCodes.Success, "crmdb publish failed: " + published.Out + published.Error);
        return published.Out + published.Error;
    }

    /// <summary>
    /// A new database of the test server holding <paramref name="vendorTables"/> (the Sage tables
    /// the test needs, created first as on a real CRM), with CrmDb published; dropped again if any step fails.
    /// </summary>
    public static ThrowawayDatabase Deploy(string? vendorTables = null, string collation = "French_CI_AS")
    {
        var database = ThrowawayDatabase.Create(Engine.RequireConnection(), collation);
        try
        {
            if (vendorTables is not null)
            {
                database.Execute(vendorTables);
            }

            Publish(database);
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }
}
