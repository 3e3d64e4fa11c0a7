using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>crmdb run's pipeline on a fake database: continue on error, summary, :on error exit, tokens.</summary>
public sealed class PipelineTests : IDisposable
{
    private static readonly ServerMessage Missing = new(208, 16, 1, 2, null, "Nom d'objet 'dbo.Absente' non valide.");
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void An_error_is_shown_at_once_logged_and_the_run_goes_on_with_the_next_batch()
    {
        fixture.Write("010_first.sql", "PRINT N'un'\nGO\n\n-- lot 2\nSELECT * FROM dbo.Absente\nGO\nPRINT N'trois'\n");
        fixture.Write("020_second.sql", "PRINT N'quatre'");
        fixture.Database.Executor.Respond = sql => sql.Contains("Absente", StringComparison.Ordinal)
            ? [Missing]
            : [new ServerMessage(0, 0, 1, 1, null, sql.Split('\'')[1])];

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Equal(4, fixture.Database.Executor.Executed.Count);
        // Shown when it happens: before the messages of the batches after it.
        string error = "010_first.sql, lot 2 (ligne 4), ligne 5 du fichier (ligne 2 du lot) : Msg 208, niveau 16, état 1 : Nom d'objet 'dbo.Absente' non valide.";
        Assert.Contains("Erreur : " + error, output, StringComparison.Ordinal);
        Assert.True(output.IndexOf(error, StringComparison.Ordinal) < output.IndexOf("trois", StringComparison.Ordinal));
        Assert.True(output.IndexOf("quatre", StringComparison.Ordinal) < output.IndexOf("=== Résumé ===", StringComparison.Ordinal));
        Assert.Contains("1 erreur(s) :", output, StringComparison.Ordinal);
        Assert.Contains("  - 010_first.sql, lot 2 (ligne 4), ligne 5 du fichier (ligne 2 du lot) : Msg 208 : Nom d'objet", output, StringComparison.Ordinal);
        Assert.Contains("Log complet : " + fixture.LogPath("CRMPLUS"), output, StringComparison.Ordinal);
        Assert.Contains("corrigez-les, puis relancez la même commande crmdb run CRMPLUS", output, StringComparison.Ordinal);
        Assert.Single(result.Failures);
    }

    [Fact]
    public void The_log_holds_the_header_every_batch_its_messages_rows_errors_and_the_summary()
    {
        fixture.Write("a.sql", ":setvar Table dbo.Absente\nPRINT N'début'\nGO\nSELECT * FROM $(Table)\nGO 2\n");
        fixture.Database.Executor.Respond = sql => sql.Contains("Absente", StringComparison.Ordinal) ? [Missing] : [new ServerMessage(0, 0, 1, 1, null, "début")];

        fixture.Run(fixture.Request());
        string log = fixture.ReadLog("CRMPLUS");

        Assert.Contains("crmdb run CRMPLUS", log, StringComparison.Ordinal);
        Assert.Contains("Connexion : DOMAINE\\integrateur sur le serveur SRV-CRM, base CRM", log, StringComparison.Ordinal);
        Assert.Contains("Outil : crmdb " + RunOrchestrator.ToolVersion, log, StringComparison.Ordinal);
        Assert.Contains("Options : --test", log, StringComparison.Ordinal);
        Assert.Contains("--- Lot 1/2 (a.sql, ligne 2), exécuté 1 fois, 09:30:00 ---", log, StringComparison.Ordinal);
        Assert.Contains("PRINT N'début'", log, StringComparison.Ordinal);
        Assert.Contains("   début", log, StringComparison.Ordinal);
        // As executed: after substitution, and twice for GO 2.
        Assert.Contains("--- Lot 2/2 (a.sql, ligne 4), exécuté 2 fois, 09:30:00 ---\r\nSELECT * FROM dbo.Absente", log, StringComparison.Ordinal);
        Assert.Contains("Msg 208, niveau 16, état 1", log, StringComparison.Ordinal);
        Assert.Contains("a.sql, lot 2 (ligne 4), ligne 5 du fichier (ligne 2 du lot)", log, StringComparison.Ordinal);
        Assert.Contains("   (1 ligne(s))", log, StringComparison.Ordinal);
        Assert.Contains("--- Fin du lot : 10 ms, 2 ligne(s), 2 erreur(s) ---", log, StringComparison.Ordinal);
        Assert.Contains("=== Résumé ===", log, StringComparison.Ordinal);
        Assert.Equal(3, fixture.Database.Executor.Executed.Count);
    }

    [Fact]
    public void On_error_exit_stops_the_script_and_the_scripts_after_it()
    {
        fixture.Write("a.sql", ":on error exit\nSELECT * FROM dbo.Absente\nGO\nPRINT 'jamais'\n");
        fixture.Write("b.sql", "PRINT 'jamais non plus'");
        fixture.Database.Executor.Respond = sql => sql.Contains("Absente", StringComparison.Ordinal) ? [Missing] : [];

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Equal(["SELECT * FROM dbo.Absente"], fixture.Database.Executor.Executed);
        Assert.Contains(":on error exit", output, StringComparison.Ordinal);
        Assert.Contains("2 script(s) : 1 exécuté(s), 0 ignoré(s) (déjà réussis), 1 non exécuté(s)", output, StringComparison.Ordinal);
        Assert.Contains("Script b.sql non exécuté", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_on_error_exit_every_repeat_of_GO_n_runs_despite_errors()
    {
        fixture.Write("a.sql", "SELECT * FROM dbo.Absente\nGO 3");
        fixture.Database.Executor.Respond = _ => [Missing];

        var (result, _) = fixture.Run(fixture.Request());

        Assert.Equal(3, fixture.Database.Executor.Executed.Count);
        Assert.Equal(3, result.Failures.Count);
    }

    [Fact]
    public void A_transaction_left_open_is_a_failure()
    {
        fixture.Write("a.sql", "BEGIN TRANSACTION;\nUPDATE t SET x = 1;");
        fixture.Database.Executor.OpenTransactionsAtEnd = 1;

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains("a laissé 1 transaction(s) ouverte(s)", output, StringComparison.Ordinal);
        Assert.Equal(JournalEntry.Failed, fixture.Database.FakeJournal.Rows.Single().Status);
    }

    [Fact]
    public void An_error_in_a_procedure_names_the_procedure_and_its_line()
    {
        fixture.Write("a.sql", "EXEC dbo.MC_doit;");
        fixture.Database.Executor.Respond = _ => [new ServerMessage(50000, 16, 1, 12, "MC_doit", "Paramètre invalide")];

        var (_, output) = fixture.Run(fixture.Request());

        Assert.Contains("a.sql, lot 1 (ligne 1), procédure MC_doit ligne 12 : Msg 50000, niveau 16, état 1 : Paramètre invalide", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_are_expanded_for_the_integration_read_from_the_database()
    {
        var (result, _) = RunForIntegration3("SELECT CT_Num INTO #work FROM #F_COMPTET# JOIN #P_REGLEMENT# ON 1 = 1;");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("SELECT CT_Num INTO #work FROM [SRVGESCOM].[BIJOU].dbo.F_COMPTET JOIN [SRVGESCOM].[BIJOU].dbo.P_REGLEMENT ON 1 = 1;", fixture.Database.Executor.Executed.Single());
        Assert.Contains("GesCom des jokers #F_/#P_ : [SRVGESCOM].[BIJOU]", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_GesCom_on_the_CRM_instance_gets_three_part_names()
    {
        fixture.Write("a.sql", "SELECT * FROM #F_COMPTET#;");
        fixture.Database.Integrations[1] = ("srv-crm", "BIJOU");

        fixture.Run(fixture.Request() with { Integration = 1 });

        Assert.Equal("SELECT * FROM [BIJOU].dbo.F_COMPTET;", fixture.Database.Executor.Executed.Single());
    }

    [Fact]
    public async Task An_unknown_integration_is_bad_input_and_runs_nothing()
    {
        fixture.Write("a.sql", "SELECT * FROM #F_COMPTET#;");

        var error = await Assert.ThrowsAsync<UsageException>(() => Task.Run(() => fixture.Run(fixture.Request() with { Integration = 9 })));

        Assert.Contains("L'intégration 9 n'existe pas", error.Message, StringComparison.Ordinal);
        Assert.Empty(fixture.Database.Executor.Executed);
    }

    [Fact]
    public void Tokens_without_an_integration_are_an_input_error_at_their_line_and_nothing_connects()
    {
        fixture.Write("a.sql", "SELECT 1\nGO\n-- tiers\n\nSELECT *\nFROM #F_COMPTET#;");

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("a.sql, ligne 6 : le script utilise des jokers #F_/#P_", output, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Database.Connections);
        Assert.Contains("rien n'a été exécuté", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_in_a_nested_literal_is_an_input_error_at_its_file_line_before_anything_runs()
    {
        var (result, output) = RunForIntegration3("SELECT 1\nGO\n-- tiers\nEXEC(N'SELECT 1;\nEXEC(N''SELECT * FROM #F_COMPTET#'')');");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("a.sql, ligne 5 : un joker #F_/#P_ se trouve dans une chaîne imbriquée dans une autre", output, StringComparison.Ordinal);
        Assert.DoesNotContain("TokenExpansionException", output, StringComparison.Ordinal);
        Assert.Empty(fixture.Database.Executor.Executed);
    }

    [Fact]
    public void Script_errors_are_all_reported_before_anything_runs()
    {
        fixture.Write("a.sql", "SELECT 1");
        fixture.Write("b.sql", "SELECT 'open");
        fixture.Write("c.sql", "SELECT $(Undefined)");

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Equal(2, result.Failures.Count);
        Assert.Contains("b.sql, ligne 1 : chaîne '...' ouverte ici", output, StringComparison.Ordinal);
        Assert.Contains("c.sql, ligne 1 : la variable $(Undefined) n'est pas définie", output, StringComparison.Ordinal);
        Assert.Empty(fixture.Database.Executor.Executed);
    }

    [Fact]
    public void Without_the_journal_table_nothing_runs()
    {
        fixture.Write("a.sql", "SELECT 1");
        fixture.Database.HasJournalTable = false;

        var (result, output) = fixture.Run(fixture.Request());

        // Refused before anything ran: bad input (exit 2), and the attempt is dated in the log.
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("dbo.MC_ScriptJournal est absente", output, StringComparison.Ordinal);
        Assert.Empty(fixture.Database.Executor.Executed);
        Assert.Matches(@"^\uFEFF?2026-03-07 09:30:00 \+00:00 : tentative de crmdb run CRMPLUS non démarrée : La table dbo.MC_ScriptJournal est absente", fixture.ReadLog("CRMPLUS"));
    }

    [Fact]
    public void Errors_go_to_the_error_output_and_messages_to_the_output()
    {
        fixture.Write("a.sql", "PRINT 'info'\nGO\nSELECT * FROM dbo.Absente");
        fixture.Database.Executor.Respond = sql => sql.Contains("Absente", StringComparison.Ordinal) ? [Missing] : [new ServerMessage(0, 0, 1, 1, null, "info")];
        var error = new StringWriter();

        var (_, output) = fixture.Run(fixture.Request(), error: error);

        Assert.Contains("info", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Msg 208", output, StringComparison.Ordinal);
        Assert.Contains("Msg 208", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EXIT")]
    [InlineData(":quit")]
    public void EXIT_ends_the_run_discarding_its_pending_batch_and_later_scripts_are_listed_as_not_run(string exit)
    {
        fixture.Write("a.sql", $"PRINT 'un'\nGO\nPRINT 'jeté'\n{exit}\nPRINT 'jamais'");
        fixture.Write("b.sql", "PRINT 'pas plus'");

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(["PRINT 'un'"], fixture.Database.Executor.Executed);
        Assert.Contains("EXIT dans a.sql : le traitement s'arrête là", output, StringComparison.Ordinal);
        Assert.Contains("2 script(s) : 1 exécuté(s), 0 ignoré(s) (déjà réussis), 1 non exécuté(s)", output, StringComparison.Ordinal);
        Assert.Contains("Script b.sql non exécuté (EXIT dans a.sql).", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
        Assert.Equal(JournalEntry.Success, Assert.Single(fixture.Database.FakeJournal.Rows).Status);
    }

    [Fact]
    public void EXIT_with_empty_parentheses_runs_the_pending_batch_first_and_a_failure_before_it_still_fails_the_run()
    {
        fixture.Write("a.sql", "SELECT * FROM dbo.Absente\nGO\nPRINT 'dernier'\nEXIT()\nPRINT 'jamais'");
        fixture.Database.Executor.Respond = sql => sql.Contains("Absente", StringComparison.Ordinal) ? [Missing] : [];

        var (result, _) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Equal(["SELECT * FROM dbo.Absente", "PRINT 'dernier'"], fixture.Database.Executor.Executed);
    }

    [Fact]
    public void A_script_changed_during_the_run_fails_and_its_changed_batch_never_runs()
    {
        string path = fixture.Write("a.sql", "PRINT 'un'\nGO\nPRINT 'deux'");
        fixture.Database.Executor.OnExecute = sql =>
        {
            if (sql == "PRINT 'un'")
            {
                File.WriteAllText(path, "PRINT 'un'\nGO\nDROP TABLE dbo.Importante");
            }
        };

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Equal(["PRINT 'un'"], fixture.Database.Executor.Executed);
        Assert.Contains("a.sql a été modifié pendant l'exécution", output, StringComparison.Ordinal);
        var row = Assert.Single(fixture.Database.FakeJournal.Rows);
        Assert.Equal(JournalEntry.Failed, row.Status);
    }

    [Fact]
    public void An_included_file_changed_during_the_run_is_caught_as_well()
    {
        // Not a .sql file, so that the folder does not run it as a script of its own.
        string part = fixture.Write("part.txt", "PRINT 'inclus'");
        fixture.Write("a.sql", "PRINT 'un'\nGO\n:r part.txt");
        fixture.Database.Executor.OnExecute = sql =>
        {
            if (sql == "PRINT 'un'")
            {
                File.WriteAllText(part, "PRINT 'inclus, modifié'");
            }
        };

        var (result, _) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Equal(["PRINT 'un'"], fixture.Database.Executor.Executed);
        Assert.Equal(JournalEntry.Failed, Assert.Single(fixture.Database.FakeJournal.Rows).Status);
    }

    [Fact]
    public void Sub_folders_and_other_files_of_a_given_folder_are_listed_as_ignored_in_the_summary()
    {
        fixture.Write("a.sql", "SELECT 1");
        fixture.Write("lisez-moi.txt", "notes");
        Directory.CreateDirectory(Path.Combine(fixture.Scripts, "archive"));

        var (result, output) = fixture.Run(fixture.Request());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains($"Ignoré : {Path.Combine(fixture.Scripts, "archive")} (sous-dossier", output, StringComparison.Ordinal);
        Assert.Contains($"Ignoré : {Path.Combine(fixture.Scripts, "lisez-moi.txt")} (pas un fichier .sql)", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    /// <summary>Runs a.sql holding <paramref name="script"/> for integration 3, whose GesCom is [SRVGESCOM].[BIJOU].</summary>
    private (RunResult Result, string Output) RunForIntegration3(string script)
    {
        fixture.Write("a.sql", script);
        fixture.Database.Integrations[3] = ("SRVGESCOM", "BIJOU");
        return fixture.Run(fixture.Request() with { Integration = 3 });
    }
}
