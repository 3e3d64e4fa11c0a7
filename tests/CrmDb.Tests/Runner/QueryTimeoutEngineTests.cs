using System.Diagnostics;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Runner;

/// <summary>crmdb run --query-timeout against the SQL Server named by CRMDB_TEST_CONNECTION (skipped without one).</summary>
public sealed class QueryTimeoutEngineTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-query-timeout-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [EngineFact]
    public void A_batch_longer_than_the_query_timeout_fails_is_journaled_failed_and_the_next_batch_runs()
    {
        using var database = ThrowawayDatabase.Create(Engine.RequireConnection());
        database.Execute(File.ReadAllText(Repository.PathOf("database", "dbo", "Tables", "MC_ScriptJournal.sql")));
        string scripts = Directory.CreateDirectory(Path.Combine(folder, "scripts")).FullName;
        File.WriteAllText(Path.Combine(scripts, "010_slow.sql"), "WAITFOR DELAY '00:00:20';\nGO\nCREATE TABLE dbo.AfterTimeout (Id int NULL);");
        var watch = Stopwatch.StartNew();

        var result = CliRunner.Run("run", "SLOW", scripts, "--connection", database.ConnectionString, "--query-timeout", "2", "--log-dir", Path.Combine(folder, "logs"));

        watch.Stop();
        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the run took {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal("failed", database.Scalar("SELECT Status FROM dbo.MC_ScriptJournal WHERE Script = N'010_slow.sql';"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM sys.tables WHERE name = N'AfterTimeout';"));
    }
}
