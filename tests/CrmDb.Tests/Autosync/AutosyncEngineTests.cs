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
        using var database = CrmDbDeployment.Deploy();
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
        using var database = CrmDbDeployment.Deploy();
        database.Execute("INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'GESCOM');");
        using var holder = new SqlConnection(database.ConnectionString);
        holder.Open();
        using (var take = new SqlCommand("EXEC sys.sp_getapplock @Resource = N'CrmDb.MC_runautosync.1', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0;", holder))
        {
            take.ExecuteNonQuery();
        }

        // The running cycle the loser names (the holder's row, as a running cycle leaves it).
        database.Execute("INSERT dbo.MC_AutosyncRun (ErpIntegrationID, ErpSyncStatus, TokenAccount, IsSimulation, StartTime, Status, LoginName, HostName) VALUES (1, N'success', 0, 0, '2025-01-02T03:04:05', N'Running', N'SAGE\\sync', N'APP01');");

        var refused = CliRunner.Run("autosync", "run", "--integration", "1", "--status", "success", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.ProcessingErrors, refused.ExitCode);
        Assert.Contains("est déjà en cours (cycle n° ", refused.Out, StringComparison.Ordinal);
        Assert.Contains("commencé le 2025-01-02 03:04:05.000 par SAGE\\sync depuis APP01) : rien n'a été exécuté", refused.Out, StringComparison.Ordinal);
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.MC_AutosyncRun;"));
    }

    [EngineFact]
    public void A_failing_hook_after_one_that_journaled_a_statement_keeps_that_statement_in_a_real_run_and_in_a_trace()
    {
        using var database = CrmDbDeployment.Deploy();
        database.Execute("INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'GESCOM');");
        database.Execute("CREATE TABLE dbo.Work (Id int NOT NULL);");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0100_writes AS EXEC dbo.MC_execsql @Statement = N'INSERT dbo.Work (Id) VALUES (@id);', @Parameters = N'@id int', @Value1 = 7, @Label = N'ligne de travail';");
        // Fails after a statement of its own: its transaction is doomed (XACT_ABORT) when it fails.
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0200_fails AS BEGIN EXEC dbo.MC_execsql @Statement = N'INSERT dbo.Work (Id) VALUES (8);', @Label = N'avant la panne'; EXEC dbo.MC_execsql @Statement = N'SELECT 1 / 0;', @Label = N'la panne'; END;");
        string[] connection = ["--connection", database.ConnectionString];

        var trace = CliRunner.Run(["trace", "--integration", "1", .. connection]);
        object? afterTrace = database.Scalar("SELECT COUNT(*) FROM dbo.Work;");
        var run = CliRunner.Run(["autosync", "run", "--integration", "1", "--status", "success", .. connection]);

        Assert.Equal(ExitCodes.ProcessingErrors, trace.ExitCode);
        Assert.Equal(0, afterTrace);
        Assert.Equal(ExitCodes.ProcessingErrors, run.ExitCode);
        Assert.Equal(7, database.Scalar("SELECT MAX(Id) FROM dbo.Work;"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.Work;"));
        // Both runs journaled every statement under its hook, the failing one marked Failed with its error.
        const string statements = "SELECT STRING_AGG(CONCAT(s.ObjectName, N':', s.Status, N':', s.ErrorNumber), N'|') WITHIN GROUP (ORDER BY s.StepID) FROM dbo.MC_AutosyncStep AS s WHERE s.StepType = N'Statement' AND s.RunID = ";
        Assert.Equal("ligne de travail:Succeeded:|avant la panne:Succeeded:|la panne:Failed:8134", database.Scalar(statements + "(SELECT MIN(RunID) FROM dbo.MC_AutosyncRun);"));
        Assert.Equal("ligne de travail:Succeeded:|avant la panne:Succeeded:|la panne:Failed:8134", database.Scalar(statements + "(SELECT MAX(RunID) FROM dbo.MC_AutosyncRun);"));
        Assert.Equal("Failed", database.Scalar("SELECT Status FROM dbo.MC_AutosyncStep WHERE ObjectName = N'[dbo].[AUTOSYNC_0200_fails]' AND RunID = (SELECT MAX(RunID) FROM dbo.MC_AutosyncRun);"));
    }

    [EngineFact]
    public void A_hook_that_commits_or_rolls_back_its_transaction_is_journaled_as_what_it_did()
    {
        using var database = CrmDbDeployment.Deploy();
        database.Execute("INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'GESCOM');");
        database.Execute("CREATE TABLE dbo.Work (Hook sysname NOT NULL);");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0100_commits AS BEGIN INSERT dbo.Work (Hook) VALUES (N'commits'); COMMIT TRANSACTION; END;");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0200_rollsback AS BEGIN INSERT dbo.Work (Hook) VALUES (N'rollsback'); ROLLBACK TRANSACTION; END;");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0300_after AS INSERT dbo.Work (Hook) VALUES (N'after');");

        // A simulation: the hook that commits keeps its work all the same, and says so.
        var trace = CliRunner.Run("trace", "--integration", "1", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.ProcessingErrors, trace.ExitCode);
        Assert.Contains("a validé (COMMIT) la transaction que le cycle lui avait ouverte : ses modifications sont conservées, même en simulation", trace.Out, StringComparison.Ordinal);
        Assert.Contains("a annulé (ROLLBACK) la transaction que le cycle lui avait ouverte", trace.Out, StringComparison.Ordinal);
        Assert.Equal("commits", database.Scalar("SELECT STRING_AGG(Hook, N'|') FROM dbo.Work;"));
        Assert.Equal("Committed|RolledBack|Succeeded", database.Scalar("SELECT STRING_AGG(Status, N'|') WITHIN GROUP (ORDER BY StepID) FROM dbo.MC_AutosyncStep WHERE StepType = N'Hook';"));
        Assert.Equal(0, database.Scalar("SELECT @@TRANCOUNT;"));
    }

    [EngineFact]
    public void The_trace_is_copied_to_the_output_file_and_lists_non_conforming_hooks()
    {
        using var database = CrmDbDeployment.Deploy();
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
}
