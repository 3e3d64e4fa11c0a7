using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Run;

/// <summary>
/// What crmdb run does around the batches (issue 13), on fakes that behave as SqlClient and SQL
/// Server are documented to: its own commands failing, the end-of-script check under NOEXEC and
/// the like, timeouts, lost sessions, idle sessions, line numbers of modules and dynamic SQL, settings.
/// </summary>
public sealed class SessionTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    // 1. crmdb's own commands.

    [Fact]
    public void A_journal_start_that_times_out_runs_nothing_more_and_the_run_ends_with_its_summary()
    {
        fixture.Write("010.sql", "PRINT 'un'");
        fixture.Write("020.sql", "PRINT 'deux'");
        fixture.Write("030.sql", "PRINT 'trois'");
        fixture.Database.FakeJournal.StartFails = script => script == "020.sql"
            ? new RunSessionException("une commande de crmdb sur la base CRM (journal ou verrou, délai 60 s) a échoué : Execution Timeout Expired.", sessionLost: false)
            : null;

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Equal(["PRINT 'un'"], fixture.Database.Executor.Executed);
        Assert.Contains("020.sql n'a pas été exécuté : le journal n'a pas pu enregistrer son début : une commande de crmdb", output, StringComparison.Ordinal);
        Assert.Contains("Le journal ou la session de contrôle a fait défaut pendant 020.sql", output, StringComparison.Ordinal);
        Assert.Contains("=== Résumé ===", output, StringComparison.Ordinal);
        Assert.Contains("Script 030.sql non exécuté", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Database.FakeJournal.Rows, r => r.Status == JournalEntry.Running);
    }

    [Fact]
    public void A_journal_end_that_fails_is_a_failure_of_the_script_and_stops_the_run()
    {
        fixture.Write("010.sql", "PRINT 'un'");
        fixture.Write("020.sql", "PRINT 'deux'");
        fixture.Database.FakeJournal.FinishFails = id => id == 1
            ? new RunSessionException("la session de contrôle de crmdb sur la base CRM a été perdue (réseau) : le verrou du composant est perdu avec elle, crmdb ne se reconnecte pas sans lui et le run s'arrête.", sessionLost: true)
            : null;

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Equal(["PRINT 'un'"], fixture.Database.Executor.Executed);
        Assert.Contains("journal, fin de 010.sql : la session de contrôle de crmdb", output, StringComparison.Ordinal);
        Assert.Contains("le verrou du composant est perdu", output, StringComparison.Ordinal);
        Assert.Contains("Script 020.sql non exécuté", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_end_of_script_check_that_times_out_fails_the_script_with_a_clear_message_and_the_journal_says_failed()
    {
        fixture.Write("010.sql", "BEGIN TRANSACTION; UPDATE dbo.Grande SET x = 1;");
        fixture.Write("020.sql", "PRINT 'deux'");
        fixture.Database.Executor.EndScriptFailure = new RunSessionException(
            "la vérification de fin de script (transactions ouvertes, délai 600 s) a échoué : Execution Timeout Expired. La session du script est fermée : le serveur annule ce qu'elle tenait encore ouvert.", sessionLost: false);

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("010.sql : la vérification de fin de script (transactions ouvertes, délai 600 s) a échoué", output, StringComparison.Ordinal);
        // The journal never stays 'running' because of it: both scripts have their end.
        Assert.Equal([JournalEntry.Failed, JournalEntry.Failed], fixture.Database.FakeJournal.Rows.Select(r => r.Status));
        Assert.Equal(2, fixture.Database.Executor.Executed.Count);
    }

    // 2. The end-of-script check whatever the script left on.

    [Theory]
    [InlineData("NOEXEC")]
    [InlineData("FMTONLY")]
    [InlineData("PARSEONLY")]
    [InlineData("SHOWPLAN_XML")]
    [InlineData("SHOWPLAN_TEXT")]
    [InlineData("SHOWPLAN_ALL")]
    public async Task The_end_of_script_check_counts_and_rolls_back_whatever_option_the_script_left_on(string option)
    {
        var server = new ServerSession(openTransactions: 2);
        server.On.Add(option);

        int open = await ScriptSessionEnd.RunAsync(server.ScalarAsync);

        Assert.Equal(2, open);
        Assert.Equal(0, server.OpenTransactions);
        Assert.Empty(server.On);
    }

    [Fact]
    public async Task The_check_alone_under_NOEXEC_gets_no_row_so_the_resets_are_what_make_it_work()
    {
        // The fake is not vacuous: without the resets the server it models answers nothing.
        var server = new ServerSession(openTransactions: 1);
        server.On.Add("NOEXEC");

        Assert.Null(await server.ScalarAsync(ScriptSessionEnd.Check));
        Assert.Equal(1, server.OpenTransactions);
    }

    [Fact]
    public async Task An_answer_that_is_not_a_count_is_a_clear_failure_not_a_cast_error()
    {
        // Checked in French, the default language, whatever other tests set.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");
        var failure = await Assert.ThrowsAsync<RunSessionException>(() => ScriptSessionEnd.RunAsync(_ => Task.FromResult<object?>("StmtText")));

        Assert.Contains("n'a pas rendu de nombre de transactions (réponse : StmtText)", failure.Message, StringComparison.Ordinal);
    }

    // 3. A batch cancelled by --query-timeout is interrupted, not a server error.

    [Fact]
    public void A_batch_stopped_by_the_query_timeout_is_reported_as_interrupted_and_the_script_goes_on()
    {
        fixture.Write("010.sql", "WAITFOR DELAY '01:00:00'\nGO\nPRINT 'après'");
        fixture.Database.Executor.EndFor = sql => sql.StartsWith("WAITFOR", StringComparison.Ordinal) ? BatchEnd.TimedOut : BatchEnd.Completed;

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("010.sql, lot 1 (ligne 1) : interrompu, durée --query-timeout dépassée ; le lot a été annulé sur le serveur.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Msg -2", output, StringComparison.Ordinal);
        Assert.Equal(2, fixture.Database.Executor.Executed.Count);
        Assert.Contains("--- Lot annulé sur le serveur (--query-timeout dépassé) ---", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
        Assert.Equal(JournalEntry.Failed, fixture.Database.FakeJournal.Rows.Single().Status);
    }

    // 4. Idle sessions are released before every script.

    [Fact]
    public void Idle_pooled_sessions_are_released_before_each_script_opens_its_session()
    {
        fixture.Write("010.sql", "ALTER DATABASE CURRENT SET SINGLE_USER WITH ROLLBACK IMMEDIATE");
        fixture.Write("020.sql", "ALTER DATABASE CURRENT SET MULTI_USER");

        fixture.Run(fixture.Request());

        Assert.Equal(["release", "executor", "release", "executor"], fixture.Database.Events);
    }

    [Fact]
    public void The_control_session_is_unpooled_never_reconnects_and_its_lock_names_database_and_component()
    {
        var control = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(SqlRunSession.ControlConnectionString("Server=s;Database=CRM;Connect Retry Count=3"));
        var script = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(SqlBatchExecutor.ScriptConnectionString("Server=s;Database=CRM;Connect Retry Count=3"));

        Assert.False(control.Pooling);
        Assert.Equal(0, control.ConnectRetryCount);
        Assert.False(script.Pooling);
        Assert.Equal(0, script.ConnectRetryCount);
        Assert.Equal("crmdb run CRM CRMPLUS", SqlRunSession.LockResource("crm", "crmplus"));
        Assert.Equal(SqlRunSession.LockResource("CRM", "A"), SqlRunSession.LockResource("crm", "a"));
        Assert.NotEqual(SqlRunSession.LockResource("CRM", "A"), SqlRunSession.LockResource("CRM2", "A"));
        Assert.True(SqlRunSession.LockResource(new string('d', 128), new string('c', 200)).Length <= 255);
    }

    // 6. A lost session.

    [Fact]
    public void After_a_severity_20_error_the_script_stops_with_connection_lost_and_the_next_script_runs_on_a_new_session()
    {
        fixture.Write("010.sql", "CREATE TABLE #t (i int)\nGO\nRAISERROR(N'fatal', 20, 1) WITH LOG\nGO\nINSERT INTO #t VALUES (1)");
        fixture.Write("020.sql", "PRINT 'deux'");
        fixture.Database.Executor.Respond = sql => sql.StartsWith("RAISERROR", StringComparison.Ordinal)
            ? [new ServerMessage(50000, 20, 1, 1, null, "fatal"), new ServerMessage(0, 20, 0, 0, null, "Une erreur grave s'est produite sur la commande actuelle.")]
            : [];
        fixture.Database.Executor.EndFor = sql => sql.StartsWith("RAISERROR", StringComparison.Ordinal) ? BatchEnd.ConnectionLost : BatchEnd.Completed;

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Equal(["CREATE TABLE #t (i int)", "RAISERROR(N'fatal', 20, 1) WITH LOG", "PRINT 'deux'"], fixture.Database.Executor.Executed);
        Assert.Contains("010.sql, lot 2 (ligne 3) : connexion perdue", output, StringComparison.Ordinal);
        Assert.Contains("connexion perdue : 010.sql s'arrête là", output, StringComparison.Ordinal);
        // In the order they came: the error, then the loss.
        Assert.True(output.IndexOf("Msg 50000, niveau 20", StringComparison.Ordinal) < output.IndexOf("connexion perdue", StringComparison.Ordinal));
        string log = fixture.ReadLog("CRMPLUS");
        Assert.Contains("--- Connexion perdue : la session du script est terminée ---", log, StringComparison.Ordinal);
        Assert.Equal(2, fixture.Database.Executor.ScriptsBegun);
        Assert.Equal([JournalEntry.Failed, JournalEntry.Success], fixture.Database.FakeJournal.Rows.Select(r => r.Status));
    }

    [Fact]
    public void Under_on_error_exit_a_lost_session_stops_the_run()
    {
        fixture.Write("010.sql", ":on error exit\nRAISERROR(N'fatal', 20, 1) WITH LOG\nGO\nPRINT 'jamais'");
        fixture.Write("020.sql", "PRINT 'jamais non plus'");
        fixture.Database.Executor.EndFor = _ => BatchEnd.ConnectionLost;

        var (result, _) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Single(fixture.Database.Executor.Executed);
        Assert.Contains("Script 020.sql non exécuté", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_of_class_17_is_recorded_before_what_the_batch_sends_after_it_and_reading_goes_on()
    {
        // SqlDataReader's behaviour: messages after the error reach the client only as it reads on.
        var seen = new List<string>();
        var cursor = new ScriptedCursor(seen, ["PRINT avant", "THROW classe 17", "PRINT après", "THROW classe 18", "PRINT fin"]);

        await ResultDrain.DrainAsync(cursor, ex =>
        {
            seen.Add("erreur : " + ex.Message);
            return true;
        }, CancellationToken.None);

        Assert.Equal(["avant", "erreur : classe 17", "après", "erreur : classe 18", "fin"], seen);
    }

    [Fact]
    public async Task Reading_stops_when_the_error_says_the_session_is_gone()
    {
        var seen = new List<string>();
        var cursor = new ScriptedCursor(seen, ["THROW classe 20", "PRINT jamais"]);

        await ResultDrain.DrainAsync(cursor, ex =>
        {
            seen.Add("erreur : " + ex.Message);
            return false;
        }, CancellationToken.None);

        Assert.Equal(["erreur : classe 20"], seen);
    }

    // 7. Lines of module batches and of dynamic SQL.

    [Fact]
    public void An_error_in_a_procedure_created_by_the_batch_carries_its_file_line()
    {
        fixture.Write("010.sql", "PRINT 'avant'\nGO\n-- La procédure\nCREATE OR ALTER PROCEDURE dbo.[MC_Test]\nAS\nSELECT * FROM dbo.Absente;\n");
        fixture.Database.Executor.Respond = sql => sql.Contains("CREATE", StringComparison.Ordinal)
            ? [new ServerMessage(208, 16, 1, 4, "MC_Test", "Nom d'objet 'dbo.Absente' non valide.")]
            : [];

        var (_, output) = fixture.Run(fixture.Request());

        Assert.Contains("010.sql, lot 2 (ligne 3), module MC_Test : 010.sql, ligne 6 (ligne 4 du module) : Msg 208", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_in_a_procedure_created_earlier_in_the_run_is_placed_in_its_defining_batch()
    {
        fixture.Write("010.sql", "CREATE PROCEDURE dbo.MC_Divise\nAS\nSELECT 1 / 0;\nGO\nEXEC dbo.MC_Divise;\n");
        fixture.Database.Executor.Respond = sql => sql.StartsWith("EXEC", StringComparison.Ordinal)
            ? [new ServerMessage(8134, 16, 1, 3, "MC_Divise", "Division par zéro.")]
            : [];

        var (_, output) = fixture.Run(fixture.Request());

        Assert.Contains("010.sql, lot 2 (ligne 5), module MC_Divise : 010.sql, ligne 3 (ligne 3 du module) : Msg 8134", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_in_a_batch_that_runs_dynamic_sql_says_its_line_may_be_one_of_the_dynamic_sql()
    {
        fixture.Write("010.sql", "DECLARE @sql nvarchar(max) = N'SELECT 1;\nSELECT * FROM dbo.Absente;';\nEXEC sys.sp_executesql @sql;");
        fixture.Database.Executor.Respond = _ => [new ServerMessage(208, 16, 1, 2, null, "Nom d'objet 'dbo.Absente' non valide.")];

        var (_, output) = fixture.Run(fixture.Request());

        Assert.Contains("le lot exécute du SQL dynamique (EXEC/sp_executesql) : si l'erreur vient de lui, 2 est une ligne de ce SQL dynamique", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CREATE PROCEDURE dbo.P AS SELECT 1", "P")]
    [InlineData("/* en-tête */\n-- note\ncreate or alter function [dbo].[Mon ]]nom] () returns int as begin return 1 end", "Mon ]nom")]
    [InlineData("ALTER TRIGGER dbo.T ON dbo.X AFTER INSERT AS SELECT 1", "T")]
    [InlineData("CREATE PROC P2 AS SELECT 1", "P2")]
    [InlineData("SELECT 1; CREATE PROCEDURE dbo.P AS SELECT 1", null)]
    [InlineData("CREATE TABLE dbo.P (i int)", null)]
    public void Module_batches_are_recognised_by_their_first_statement(string text, string? name) =>
        Assert.Equal(name, ModuleBatch.Name(text));

    // 8. Session settings.

    [Fact]
    public void Quoted_identifier_off_reaches_every_script_session_and_the_default_is_sqlclient_s()
    {
        fixture.Write("010.sql", "PRINT \"texte\"");
        fixture.Write("020.sql", "PRINT 'deux'");

        fixture.Run(fixture.Request() with { QuotedIdentifier = false });

        Assert.Equal([false, false], fixture.Database.ExecutorSettings.Select(s => s.QuotedIdentifier));
        Assert.Equal(["SET QUOTED_IDENTIFIER OFF;"], SessionSetup.Statements(new SessionSettings(QuotedIdentifier: false)));
        Assert.Empty(SessionSetup.Statements(SessionSettings.Default));
    }

    [Fact]
    public void Quoted_identifier_takes_on_or_off_and_names_the_fix_otherwise()
    {
        string script = fixture.Write("010.sql", "PRINT 'un'");

        var off = CliRunner.Run("run", "CRMPLUS", script, "--dry-run", "--quoted-identifier", "off", "--log-dir", fixture.Logs);
        var bad = CliRunner.Run("run", "CRMPLUS", script, "--dry-run", "--quoted-identifier", "peut-être", "--log-dir", fixture.Logs);

        Assert.Equal(ExitCodes.Success, off.ExitCode);
        Assert.Contains("--quoted-identifier off", File.ReadAllText(Assert.Single(Directory.GetFiles(fixture.Logs))), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, bad.ExitCode);
        Assert.Contains("--quoted-identifier peut-être : valeur inconnue. Donnez on ou off.", bad.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bad.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// One session as SQL Server documents it for these options: under NOEXEC, FMTONLY and PARSEONLY
    /// nothing executes (no row), under SHOWPLAN_* a plan comes instead of the result; SET ... OFF of
    /// an option is honoured in any state.
    /// </summary>
    private sealed class ServerSession(int openTransactions)
    {
        public HashSet<string> On { get; } = new(StringComparer.Ordinal);

        public int OpenTransactions { get; private set; } = openTransactions;

        public Task<object?> ScalarAsync(string sql)
        {
            var set = System.Text.RegularExpressions.Regex.Match(sql, @"^SET (\w+) OFF;$");
            if (set.Success)
            {
                On.Remove(set.Groups[1].Value);
                return Task.FromResult<object?>(null);
            }

            if (On.Any(o => o.StartsWith("SHOWPLAN", StringComparison.Ordinal)))
            {
                return Task.FromResult<object?>("StmtText");
            }

            if (On.Count > 0)
            {
                return Task.FromResult<object?>(null);
            }

            Assert.Equal(ScriptSessionEnd.Check, sql);
            int open = OpenTransactions;
            OpenTransactions = 0;
            return Task.FromResult<object?>(open);
        }
    }

    /// <summary>A batch's stream: PRINT lines reach <c>seen</c> when read; THROW lines fail the read that reaches them.</summary>
    private sealed class ScriptedCursor(List<string> seen, string[] stream) : IResultCursor
    {
        private int next;

        public bool IsClosed => next >= stream.Length;

        public Task<bool> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(false);

        public Task<bool> NextResultAsync(CancellationToken cancellationToken)
        {
            while (next < stream.Length)
            {
                string item = stream[next++];
                if (item.StartsWith("THROW ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(item["THROW ".Length..]);
                }

                seen.Add(item["PRINT ".Length..]);
            }

            return Task.FromResult(false);
        }
    }
}
