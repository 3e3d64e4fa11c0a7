using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Run;

/// <summary>crmdb run end to end against the SQL Server named by CRMDB_TEST_CONNECTION (skipped without one).</summary>
public sealed class RunEngineTests() : ScriptFolderTest("crmdb-run-engine-")
{
    private static ThrowawayDatabase CreateDatabase()
    {
        var database = ThrowawayDatabase.Create(Engine.RequireConnection());
        // The run needs the journal (and MC_Integration for --integration): create them from the repository's own files.
        database.Execute(File.ReadAllText(Repository.PathOf("database", "dbo", "Tables", "MC_Integration.sql")));
        database.Execute(File.ReadAllText(Repository.PathOf("database", "dbo", "Tables", "MC_ScriptJournal.sql")));
        return database;
    }

    private CliResult Run(ThrowawayDatabase database, params string[] more) =>
        CliRunner.Run(["run", "ENGINE", Scripts, "--connection", database.ConnectionString, "--log-dir", Logs, .. more]);

    [EngineFact]
    public void A_run_goes_on_after_an_error_journals_it_and_a_rerun_skips_what_succeeded()
    {
        using var database = CreateDatabase();
        Write("010.sql", "CREATE TABLE dbo.T (Id int NOT NULL);\nGO\n\nINSERT INTO dbo.Absente VALUES (1);\nGO\nPRINT N'après l''erreur';\nINSERT INTO dbo.T VALUES (1);");
        Write("020.sql", "INSERT INTO dbo.T VALUES (2);");

        var first = Run(database);

        Assert.Equal(ExitCodes.ProcessingErrors, first.ExitCode);
        Assert.Contains("010.sql, lot 2 (ligne 4), ligne 4 du fichier (ligne 1 du lot) : Msg 208, niveau 16", first.Error, StringComparison.Ordinal);
        Assert.Contains("après l'erreur", first.Out, StringComparison.Ordinal);
        Assert.Equal(2, database.Scalar("SELECT COUNT(*) FROM dbo.T;"));
        Assert.Equal("failed", database.Scalar("SELECT Status FROM dbo.MC_ScriptJournal WHERE Script = N'010.sql';"));
        Assert.Equal("success", database.Scalar("SELECT Status FROM dbo.MC_ScriptJournal WHERE Script = N'020.sql';"));
        string log = File.ReadAllText(Directory.GetFiles(Logs).Single());
        Assert.Contains("INSERT INTO dbo.Absente VALUES (1);", log, StringComparison.Ordinal);
        Assert.Contains("Msg 208, niveau 16, état 1", log, StringComparison.Ordinal);

        // The integrator fixes 010.sql and reruns: 020.sql, already done, is skipped.
        Write("010.sql", "IF OBJECT_ID(N'dbo.T') IS NULL CREATE TABLE dbo.T (Id int NOT NULL);\nGO\nPRINT N'corrigé';");
        var second = Run(database);

        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.Contains("corrigé", second.Out, StringComparison.Ordinal);
        Assert.Contains("020.sql : déjà exécuté avec succès", second.Out, StringComparison.Ordinal);
        Assert.Equal(2, database.Scalar("SELECT COUNT(*) FROM dbo.T;"));
    }

    [EngineFact]
    public void A_second_run_while_the_component_is_locked_fails_fast_and_changes_nothing()
    {
        using var database = CreateDatabase();
        Write("a.sql", "CREATE TABLE dbo.T (Id int);");
        using var other = new SqlConnection(database.ConnectionString);
        other.Open();
        // The run's lock lives in master (docs/run.md, "Scripts that need the database to themselves").
        using (var take = new SqlCommand("DECLARE @r int; EXEC @r = master.sys.sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; SELECT @r;", other))
        {
            take.Parameters.AddWithValue("@resource", SqlRunSession.LockResource(database.Name, "ENGINE"));
            Assert.True((int)take.ExecuteScalar()! >= 0);
        }

        var started = DateTime.UtcNow;
        var result = Run(database);

        // Refused before anything ran: exit 2, like the lock file's refusal.
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("déjà en cours de traitement", result.Error, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.MC_ScriptJournal;"));
        Assert.Null(database.Scalar("SELECT OBJECT_ID(N'dbo.T');") as int?);
    }

    [EngineFact]
    public void A_script_s_rollback_does_not_undo_its_journal_row_and_a_transaction_left_open_is_rolled_back()
    {
        using var database = CreateDatabase();
        database.Execute("CREATE TABLE dbo.T (Id int NOT NULL);");
        Write("a.sql", "SET XACT_ABORT ON;\nBEGIN TRANSACTION;\nINSERT INTO dbo.T VALUES (1);\nSELECT 1 / 0;");
        Write("b.sql", "BEGIN TRANSACTION;\nINSERT INTO dbo.T VALUES (2);");

        var result = Run(database);

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("Msg 8134", result.Error, StringComparison.Ordinal);
        Assert.Contains("b.sql a laissé 1 transaction(s) ouverte(s)", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.T;"));
        Assert.Equal(2, database.Scalar("SELECT COUNT(*) FROM dbo.MC_ScriptJournal WHERE Status = N'failed';"));
    }

    [EngineFact]
    public void Tokens_expand_to_the_integration_s_GesCom_database_on_the_same_instance()
    {
        using var database = CreateDatabase();
        database.Execute("CREATE TABLE dbo.F_COMPTET (CT_Num nvarchar(17) NOT NULL); INSERT INTO dbo.F_COMPTET VALUES (N'C1');");
        database.Execute($"INSERT INTO dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase) VALUES (1, N'test', N'', N'{database.Name}');");
        Write("a.sql", "DECLARE @n int = (SELECT COUNT(*) FROM #F_COMPTET#);\nRAISERROR(N'%d tiers', 0, 1, @n) WITH NOWAIT;");

        var result = Run(database, "--integration", "1");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("1 tiers", result.Out, StringComparison.Ordinal);
    }

    /// <summary>Takes nothing: the cancel test needs no messages.</summary>
    private sealed class NoListener : IBatchListener
    {
        public void Message(ServerMessage message)
        {
        }

        public void Rows(int count)
        {
        }
    }

    [EngineFact]
    public async Task A_cancelled_batch_stops_on_the_server_its_transaction_is_rolled_back_and_the_journal_says_interrupted()
    {
        using var database = CreateDatabase();
        database.Execute("CREATE TABLE dbo.T (Id int NOT NULL);");
        await using var session = await new SqlRunEnvironment().ConnectAsync(database.ConnectionString, CancellationToken.None);
        long row = await session.Journal.StartAsync(new JournalStart("ENGINE", "a.sql", new string('0', 64), 1, "test", "log"), CancellationToken.None);
        await using var executor = session.CreateExecutor(SessionSettings.Default);
        await executor.BeginScriptAsync(CancellationToken.None);
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            executor.ExecuteAsync("BEGIN TRANSACTION;\nINSERT INTO dbo.T VALUES (1);\nWAITFOR DELAY '00:05:00';", new NoListener(), interrupt.Token));
        int rolledBack = await executor.EndScriptAsync(CancellationToken.None);
        await session.Journal.FinishAsync(row, JournalEntry.Interrupted, 0, CancellationToken.None);

        // The attention stopped the WAITFOR on the server, long before its five minutes.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        Assert.Equal(1, rolledBack);
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.T;"));
        Assert.Equal("interrupted", database.Scalar("SELECT Status FROM dbo.MC_ScriptJournal;"));
    }
}
