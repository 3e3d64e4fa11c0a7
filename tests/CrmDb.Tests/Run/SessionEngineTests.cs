using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Run;

/// <summary>
/// What crmdb run does around the batches (issue 13), against the SQL Server named by
/// CRMDB_TEST_CONNECTION (skipped without one). The login must be sysadmin: RAISERROR of class 20
/// and sys.dm_exec_sessions of other sessions need it.
/// </summary>
public sealed class SessionEngineTests() : ScriptFolderTest("crmdb-session-engine-")
{
    private static ThrowawayDatabase CreateDatabase()
    {
        var database = ThrowawayDatabase.Create(Engine.RequireConnection());
        database.Execute(File.ReadAllText(Repository.PathOf("database", "dbo", "Tables", "MC_ScriptJournal.sql")));
        database.Execute("CREATE TABLE dbo.T (Id int NOT NULL);");
        // The test's own pooled sessions would stay in the database: this test's process is the run's.
        SqlConnection.ClearAllPools();
        return database;
    }

    private CliResult Run(ThrowawayDatabase database, params string[] more) =>
        CliRunner.Run(["run", "ENGINE", Scripts, "--connection", database.ConnectionString, "--log-dir", Logs, .. more]);

    private static object? Status(ThrowawayDatabase database, string script) =>
        database.Scalar("SELECT TOP (1) Status FROM dbo.MC_ScriptJournal WHERE Script = N'" + script + "' ORDER BY JournalID DESC;");

    [EngineFact]
    public void A_script_that_leaves_NOEXEC_or_SHOWPLAN_XML_on_still_has_its_open_transaction_found_and_rolled_back()
    {
        using var database = CreateDatabase();
        Write("010.sql", "BEGIN TRANSACTION;\nINSERT INTO dbo.T VALUES (1);\nGO\nIF @@ERROR = 0 SET NOEXEC ON;\nGO\nINSERT INTO dbo.T VALUES (2);");
        Write("020.sql", "BEGIN TRANSACTION;\nINSERT INTO dbo.T VALUES (3);\nGO\nSET SHOWPLAN_XML ON;\nGO\nINSERT INTO dbo.T VALUES (4);");

        var result = Run(database);

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("010.sql a laissé 1 transaction(s) ouverte(s)", result.Error, StringComparison.Ordinal);
        Assert.Contains("020.sql a laissé 1 transaction(s) ouverte(s)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.T;"));
        Assert.Equal("failed", Status(database, "010.sql"));
        Assert.Equal("failed", Status(database, "020.sql"));
    }

    [EngineFact]
    public void A_script_can_take_the_database_to_itself_without_waiting_for_crmdb_or_killing_its_control_session()
    {
        using var database = CreateDatabase();
        // The control session waits in master: no crmdb session is in the database while the script runs.
        Write("010.sql", """
            IF EXISTS (SELECT 1 FROM sys.dm_exec_sessions WHERE program_name = N'crmdb run' AND database_id = DB_ID())
                RAISERROR(N'une session de contrôle est dans la base', 16, 1);
            GO
            ALTER DATABASE CURRENT SET READ_COMMITTED_SNAPSHOT ON;
            GO
            ALTER DATABASE CURRENT SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
            GO
            ALTER DATABASE CURRENT SET MULTI_USER;
            """);
        Write("020.sql", "INSERT INTO dbo.T VALUES (1);");

        // A limit, so that a regression fails instead of waiting forever.
        var result = Run(database, "--query-timeout", "60");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Out + result.Error);
        Assert.Equal("success", Status(database, "010.sql"));
        Assert.Equal("success", Status(database, "020.sql"));
        Assert.Equal(true, database.Scalar("SELECT is_read_committed_snapshot_on FROM sys.databases WHERE database_id = DB_ID();"));
    }

    [EngineFact]
    public void A_lost_control_session_ends_the_run_said_so_and_the_script_still_gets_its_journal_end()
    {
        using var database = CreateDatabase();
        // The control session is the run's only session named "crmdb run" (scripts' sessions keep the connection string's name).
        Write("010.sql", """
            DECLARE @control int = (SELECT TOP (1) session_id FROM sys.dm_exec_sessions WHERE program_name = N'crmdb run' AND session_id <> @@SPID);
            DECLARE @kill nvarchar(50) = N'KILL ' + CAST(@control AS nvarchar(10));
            EXEC sys.sp_executesql @kill;
            """);
        Write("020.sql", "INSERT INTO dbo.T VALUES (1);");

        var result = Run(database);

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("a été perdue", result.Error, StringComparison.Ordinal);
        Assert.Contains("le verrou du composant est perdu avec elle", result.Error, StringComparison.Ordinal);
        Assert.Equal("success", Status(database, "010.sql"));
        Assert.Null(Status(database, "020.sql"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.T;"));
    }

    [EngineFact]
    public void After_a_severity_20_error_the_script_stops_with_connection_lost_and_the_next_script_runs()
    {
        using var database = CreateDatabase();
        Write("010.sql", "CREATE TABLE #t (i int);\nGO\nRAISERROR(N'erreur fatale voulue', 20, 1) WITH LOG;\nGO\nINSERT INTO dbo.T SELECT i FROM #t;");
        Write("020.sql", "PRINT N'deuxième script';\nINSERT INTO dbo.T VALUES (2);");

        var result = Run(database);

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("erreur fatale voulue", result.Error, StringComparison.Ordinal);
        Assert.Contains("010.sql, lot 2 (ligne 3) : connexion perdue", result.Error, StringComparison.Ordinal);
        Assert.True(result.Error.IndexOf("erreur fatale voulue", StringComparison.Ordinal) < result.Error.IndexOf("connexion perdue", StringComparison.Ordinal));
        Assert.Contains("deuxième script", result.Out, StringComparison.Ordinal);
        Assert.Equal(2, database.Scalar("SELECT MAX(Id) FROM dbo.T;"));
        Assert.Equal("failed", Status(database, "010.sql"));
        Assert.Equal("success", Status(database, "020.sql"));
    }

    [EngineFact]
    public void The_query_timeout_stops_a_batch_that_keeps_returning_rows_and_says_interrupted()
    {
        using var database = CreateDatabase();
        Write("010.sql", "SELECT a.object_id FROM sys.all_columns AS a CROSS JOIN sys.all_columns AS b CROSS JOIN sys.all_columns AS c;\nGO\nPRINT N'lot suivant';");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = Run(database, "--query-timeout", "3");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), $"took {watch.Elapsed}");
        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("interrompu, durée --query-timeout dépassée", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Msg -2", result.Error, StringComparison.Ordinal);
        Assert.Contains("lot suivant", result.Out, StringComparison.Ordinal);
    }

    [EngineFact]
    public async Task A_cancelled_batch_that_returns_rows_stops_at_once()
    {
        using var database = CreateDatabase();
        await using var session = await new SqlRunEnvironment().ConnectAsync(database.ConnectionString, CancellationToken.None);
        await using var executor = session.CreateExecutor(SessionSettings.Default);
        await executor.BeginScriptAsync(CancellationToken.None);
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.ExecuteAsync(
            "SELECT a.object_id FROM sys.all_columns AS a CROSS JOIN sys.all_columns AS b CROSS JOIN sys.all_columns AS c;", new Silent(), interrupt.Token));

        // Cancel() before closing: the reader does not read the billions of rows left.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [EngineFact]
    public void Errors_in_modules_carry_their_file_line_and_errors_in_dynamic_sql_say_so()
    {
        using var database = CreateDatabase();
        Write("010.sql", "PRINT N'début';\nGO\n-- en-tête\nCREATE PROCEDURE dbo.MC_Divise\nAS\nSELECT 1 / 0;\nGO\nEXEC dbo.MC_Divise;\nGO\nEXEC (N'SELECT 1;\nSELECT * FROM dbo.Absente;');");

        var result = Run(database);

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("module MC_Divise : 010.sql, ligne 6 (ligne 4 du module) : Msg 8134", result.Error, StringComparison.Ordinal);
        Assert.Contains("le lot exécute du SQL dynamique (EXEC/sp_executesql) : si l'erreur vient de lui, 2 est une ligne de ce SQL dynamique", result.Error, StringComparison.Ordinal);
    }

    [EngineFact]
    public void Quoted_identifier_off_runs_a_script_written_for_classic_sqlcmd()
    {
        using var database = CreateDatabase();
        Write("010.sql", "PRINT \"chaîne entre guillemets doubles\";");

        var sqlClient = Run(database);
        var classic = Run(database, "--quoted-identifier", "off", "--force");

        Assert.Equal(ExitCodes.ProcessingErrors, sqlClient.ExitCode);
        Assert.True(classic.ExitCode == ExitCodes.Success, classic.Out + classic.Error);
        Assert.Contains("chaîne entre guillemets doubles", classic.Out, StringComparison.Ordinal);
    }

    private sealed class Silent : IBatchListener
    {
        public void Message(ServerMessage message)
        {
        }

        public void Rows(int count)
        {
        }
    }
}
