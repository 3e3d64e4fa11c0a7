using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Autosync;

/// <summary>AUTOSYNC end to end on a real SQL Server (CRMDB_TEST_CONNECTION; skipped otherwise).</summary>
public sealed class AutosyncEngineTests
{
    [EngineFact]
    public void A_cycle_runs_the_hooks_in_order_isolates_a_failure_and_the_trace_rolls_back()
    {
        using var database = Deploy();
        database.Execute("CREATE TABLE dbo.HookLog (Seq int IDENTITY PRIMARY KEY, Hook sysname NOT NULL, Token nvarchar(20) NULL);");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0200_second @tokenAccount nvarchar(20) AS INSERT dbo.HookLog (Hook, Token) VALUES (N'second', @tokenAccount);");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0100_first @tokenAccount int AS INSERT dbo.HookLog (Hook, Token) VALUES (N'first', @tokenAccount);");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0150_fails AS BEGIN INSERT dbo.HookLog (Hook) VALUES (N'fails'); SELECT 1 / 0; END;");
        string[] connection = ["--connection", database.ConnectionString];

        var added = CliRunner.Run(["integration", "add", "1", "--name", "Bijou", "--gescom-database", "GESCOM", .. connection]);
        var trace = CliRunner.Run(["trace", "--integration", "1", "--token", "5", .. connection]);
        long afterTrace = Convert.ToInt64(database.Scalar("SELECT COUNT(*) FROM dbo.HookLog;"));
        var run = CliRunner.Run(["autosync", "run", "--integration", "1", "--status", "success", "--token", "5", .. connection]);

        Assert.True(added.ExitCode == ExitCodes.Success, added.Out + added.Error);
        Assert.Equal(ExitCodes.ProcessingErrors, trace.ExitCode);
        Assert.Contains("EXEC [dbo].[AUTOSYNC_0100_first] @tokenAccount = 5;", trace.Out, StringComparison.Ordinal);
        Assert.Contains("ÉCHEC : [dbo].[AUTOSYNC_0150_fails]", trace.Out, StringComparison.Ordinal);
        Assert.Equal(0, afterTrace);
        Assert.Equal(ExitCodes.ProcessingErrors, run.ExitCode);
        Assert.Contains("Prenez connaissance de ces erreurs", run.Out, StringComparison.Ordinal);
        Assert.Equal("first:5|second:5", database.Scalar("SELECT STRING_AGG(CONCAT(Hook, N':', Token), N'|') WITHIN GROUP (ORDER BY Seq) FROM dbo.HookLog;"));
        Assert.Equal("Failed", database.Scalar("SELECT Status FROM dbo.MC_AutosyncStep WHERE ObjectName = N'[dbo].[AUTOSYNC_0150_fails]' AND RunID = (SELECT MAX(RunID) FROM dbo.MC_AutosyncRun);"));
        Assert.Equal(8134, database.Scalar("SELECT ErrorNumber FROM dbo.MC_AutosyncStep WHERE ObjectName = N'[dbo].[AUTOSYNC_0150_fails]' AND RunID = (SELECT MAX(RunID) FROM dbo.MC_AutosyncRun);"));
    }

    [EngineFact]
    public void A_second_session_is_refused_while_a_cycle_of_the_same_integration_runs()
    {
        using var database = Deploy();
        database.Execute("INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'GESCOM');");
        using var holder = new SqlConnection(database.ConnectionString);
        holder.Open();
        using (var take = new SqlCommand("EXEC sys.sp_getapplock @Resource = N'CrmDb.MC_runautosync.1', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0;", holder))
        {
            take.ExecuteNonQuery();
        }

        var refused = CliRunner.Run("autosync", "run", "--integration", "1", "--status", "success", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.ProcessingErrors, refused.ExitCode);
        Assert.Contains("est déjà en cours", refused.Out, StringComparison.Ordinal);
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.MC_AutosyncRun;"));
    }

    [EngineFact]
    public void The_trace_is_copied_to_the_output_file_and_lists_non_conforming_hooks()
    {
        using var database = Deploy();
        database.Execute("INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'GESCOM');");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0100_extra @Other int AS RETURN 0;");
        string file = Path.Combine(Path.GetTempPath(), "crmdb-trace-" + Guid.NewGuid().ToString("N") + ".log");
        try
        {
            var trace = CliRunner.Run("trace", "--output", file, "--connection", database.ConnectionString);
            var list = CliRunner.Run("autosync", "list", "--connection", database.ConnectionString);

            Assert.Equal(ExitCodes.ProcessingErrors, trace.ExitCode);
            string copied = File.ReadAllText(file);
            Assert.Contains("NON EXÉCUTÉE : [dbo].[AUTOSYNC_0100_extra]", copied, StringComparison.Ordinal);
            Assert.Contains("Fin de la trace", copied, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.ProcessingErrors, list.ExitCode);
            Assert.Contains("@Other ne fait pas partie du contrat", list.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static ThrowawayDatabase Deploy()
    {
        string server = Engine.RequireConnection();
        var database = ThrowawayDatabase.Create(server);
        var published = CliRunner.Run("publish", "--connection", database.ConnectionString, "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--output-dir", Path.Combine(Path.GetTempPath(), "crmdb-publish-" + Guid.NewGuid().ToString("N")));
        if (published.ExitCode != ExitCodes.Success)
        {
            database.Dispose();
            Assert.Fail("crmdb publish failed: " + published.Out + published.Error);
        }

        return database;
    }
}
