using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Runner;

/// <summary>
/// The command-line contract every verb shares: one language per run, crmdb's own help and
/// parse errors, unknown options refused with a "did you mean", the sqlcmd-style connection
/// options, the deprecated names, and a connection failure that is fast and clear.
/// </summary>
[Collection(PasswordEnvironment.Name)]
public sealed class CliContractTests : IDisposable
{
    private static readonly string[] EnglishLibraryTexts =
    [
        "Show help and usage information", "Show version information", "Usage:", "Description:", "Options:", "Commands:",
        "Arguments:", "[default:", "(REQUIRED)", "is required", "Cannot parse", "Required argument missing", "not recognized",
        "Unrecognized command",
    ];

    private static readonly string[] FrenchTexts =
    [
        "Utilisation", "Description :", "Options :", "Commandes :", "[défaut", "(obligatoire)", "Afficher", "Langue des messages",
        "Argument obligatoire", "Erreur :",
    ];

    private readonly string work = Directory.CreateTempSubdirectory("crmdb-contract-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    public static TheoryData<string> Verbs() => CliFoundationTests.Verbs();

    [Theory]
    [MemberData(nameof(Verbs))]
    public void French_help_holds_no_English_library_text_and_English_help_no_French(string verb)
    {
        string[] words = verb.Split(' ');

        var french = CliRunner.Run([.. words, "--help"]);
        var english = CliRunner.Run([.. words, "--help", "--lang", "en"]);

        Assert.Equal(ExitCodes.Success, french.ExitCode);
        Assert.Equal(ExitCodes.Success, english.ExitCode);
        Assert.Contains("Utilisation :", french.Out, StringComparison.Ordinal);
        Assert.Contains("Usage:", english.Out, StringComparison.Ordinal);
        foreach (string text in EnglishLibraryTexts)
        {
            Assert.DoesNotContain(text, french.Out, StringComparison.Ordinal);
        }

        foreach (string text in FrenchTexts)
        {
            Assert.DoesNotContain(text, english.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Defaults_and_required_options_are_shown_in_the_language_of_the_run()
    {
        var french = CliRunner.Run("publish", "--help");
        var english = CliRunner.Run("publish", "--help", "--lang", "en");
        var required = CliRunner.Run("autosync", "run", "--help");

        Assert.Contains("[défaut : out]", french.Out, StringComparison.Ordinal);
        Assert.Contains("[default: out]", english.Out, StringComparison.Ordinal);
        Assert.Contains("(obligatoire)", required.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_language_comes_from_CRMDB_LANG_when_lang_is_not_given()
    {
        var result = CliRunner.RunWithEnvironment(new Dictionary<string, string?> { [CrmDbApp.LanguageVariable] = "en" }, "trace", "--integration", "abc");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("invalid value 'abc' for option --integration: expected an integer.", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr", "option --integration obligatoire manquante", "autosync", "run", "--status", "success")]
    [InlineData("en", "missing required option --integration", "autosync", "run", "--status", "success")]
    [InlineData("fr", "valeur « abc » invalide pour l'option --integration : attendu un nombre entier.", "trace", "--integration", "abc")]
    [InlineData("en", "invalid value 'abc' for option --integration: expected an integer.", "trace", "--integration", "abc")]
    [InlineData("fr", "valeur « done » invalide pour l'option --status : attendu l'une des valeurs success|fail|warning.", "trace", "--status", "done")]
    [InlineData("fr", "argument <FILE> manquant", "batches")]
    [InlineData("en", "missing argument <FILE>", "batches")]
    [InlineData("fr", "argument <LABEL> manquant", "autosync", "new", "0301")]
    [InlineData("fr", "l'option --timeout attend une valeur <SECONDES>.", "modules", "--timeout")]
    [InlineData("fr", "commande manquante : choisissez parmi list, run, new.", "autosync")]
    [InlineData("fr", "l'option --input attend une valeur <FILE>.", "run", "CRMPLUS", "a.sql", "-i")]
    [InlineData("en", "unknown command: 'integrtion'. Did you mean integration?", "integrtion")]
    public void Parse_errors_are_ours_in_the_language_of_the_run_printed_once_naming_the_option(string language, string message, params string[] args)
    {
        var result = CliRunner.Run(["--lang", language, .. args]);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Single(Occurrences(result.Error, message));
        Assert.Single(result.Error.Split('\n'), line => line.StartsWith(language == "fr" ? "Erreur :" : "Error:", StringComparison.Ordinal));
        Assert.Empty(result.Out);
        var foreign = language == "fr" ? EnglishLibraryTexts : FrenchTexts;
        Assert.DoesNotContain(foreign, text => result.Error.Contains(text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--conection", "--connection", "publish", "--conection", "x")]
    [InlineData("--dryrun", "--dry-run", "run", "CRMPLUS", "a.sql", "--dryrun")]
    [InlineData("--datbase", "--database", "sysparam", "get", "cleanUrl", "--datbase", "CRM")]
    [InlineData("--gescom-databse", "--gescom-database", "tokens", "expand", "--gescom-databse", "BIJOU")]
    [InlineData("-s", "-S", "modules", "-s", "SRV")]
    public void An_unknown_option_is_an_error_with_a_did_you_mean(string typed, string suggested, params string[] args)
    {
        var french = CliRunner.Run(args);
        var english = CliRunner.Run([.. args, "--lang", "en"]);

        Assert.Equal(ExitCodes.BadInput, french.ExitCode);
        Assert.Contains($"option inconnue : « {typed} ». Vouliez-vous dire {suggested} ?", french.Error, StringComparison.Ordinal);
        Assert.Contains($"unknown option: '{typed}'. Did you mean {suggested}?", english.Error, StringComparison.Ordinal);
        Assert.Single(Occurrences(french.Error, "Erreur :"));
    }

    [Theory]
    [InlineData("batches", "-S")]
    [InlineData("run", "CRMPLUS", "-Z", "--dry-run")]
    [InlineData("run", "CRMPLUS", "--bogus", "a.sql", "--dry-run")]
    public void An_unknown_option_is_never_taken_as_a_path(params string[] args)
    {
        var result = CliRunner.Run([.. args, "--log-dir", work]);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("option inconnue : « -", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("introuvable", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.EnumerateFiles(work).Any(), "nothing may run, so no log may be written");
    }

    [Fact]
    public void Integration_has_no_i_any_more()
    {
        var result = CliRunner.Run("autosync", "run", "-i", "1", "--status", "success", "--lang", "en");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("unknown option: '-i'.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected argument: '1'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_takes_its_input_script_from_i_as_sqlcmd_does()
    {
        string script = Path.Combine(work, "010_input.sql");
        File.WriteAllText(script, "PRINT N'depuis -i';");
        string logs = Path.Combine(work, "logs");

        var result = CliRunner.Run("run", "CRMPLUS", "-i", script, "--dry-run", "--log-dir", logs);
        var nothing = CliRunner.Run("run", "CRMPLUS", "--dry-run", "--log-dir", logs);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("PRINT N'depuis -i';", File.ReadAllText(Directory.GetFiles(logs).Single()), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, nothing.ExitCode);
        Assert.Contains("-i FICHIER", nothing.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--query-timeout", "-1")]
    [InlineData("--timeout", "0")]
    public void A_negative_or_zero_timeout_exits_2(string option, string value)
    {
        string script = Path.Combine(work, "a.sql");
        File.WriteAllText(script, "SELECT 1;");

        var result = CliRunner.Run("run", "CRMPLUS", script, option, value, "--connection", "Server=tcp:127.0.0.1,1;Database=CRM", "--log-dir", work);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(option + " " + value, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tokens expand -s GC -d BIJOU", "« -s » est obsolète", "--gescom-server")]
    [InlineData("tokens expand --server GC --database BIJOU", "« --database » est obsolète", "--gescom-database")]
    public void Tokens_expand_keeps_the_old_GesCom_names_with_a_warning(string commandLine, string warning, string newName)
    {
        var result = CliRunner.RunWithInput("#F_COMPTET#", commandLine.Split(' '));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("[GC].[BIJOU].dbo.F_COMPTET", result.Out);
        Assert.Contains(warning, result.Error, StringComparison.Ordinal);
        Assert.Contains("écrivez " + newName, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Autosync_new_keeps_output_as_a_deprecated_name_of_output_dir()
    {
        var result = CliRunner.Run("autosync", "new", "0100", "x", "-o", work, "--lang", "en");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(work, "AUTOSYNC_0100_x.sql")));
        Assert.Contains("'-o' is deprecated and goes in the next release: write --output-dir.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Integration_keeps_s_with_a_warning_and_explains_that_database_now_names_the_CRM_database()
    {
        int port = ClosedPort();
        var renamed = CliRunner.Run("integration", "add", "1", "--name", "Bijou", "-s", "GC", "--gescom-database", "BIJOU",
            "--connection", $"Server=tcp:127.0.0.1,{port};Database=CRM;User ID=x;Password=y", "--timeout", "2", "--lang", "en");
        var collided = CliRunner.Run("integration", "add", "1", "--name", "Bijou", "--database", "BIJOU",
            "--connection", $"Server=tcp:127.0.0.1,{port};Database=CRM;User ID=x;Password=y", "--lang", "en");

        Assert.Equal(ExitCodes.ProcessingErrors, renamed.ExitCode);
        Assert.Contains("'-s' is deprecated", renamed.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, collided.ExitCode);
        Assert.Contains("--gescom-database is missing", collided.Error, StringComparison.Ordinal);
        Assert.Contains("--database now names the CRM database", collided.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_login_without_CRMDB_PASSWORD_and_no_terminal_exits_2_before_connecting()
    {
        var result = CliRunner.RunWithEnvironment(
            new Dictionary<string, string?> { [Connection.PasswordVariable] = null },
            "sysparam", "get", "cleanUrl", "-S", "127.0.0.1,1", "-d", "CRM", "-U", "sa");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--user sa", result.Error, StringComparison.Ordinal);
        Assert.Contains(Connection.PasswordVariable, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("connexion impossible", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_is_never_an_argument()
    {
        var result = CliRunner.Run("sysparam", "get", "cleanUrl", "-S", "SRV", "-U", "sa", "--password", "secret");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("option inconnue : « --password »", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-c", "Server=x;Database=y", "-S", "SRV")]
    [InlineData("-S", "SRV", "-E", "-U", "sa")]
    [InlineData("-E")]
    [InlineData("-U", "sa")]
    [InlineData("-S", " ")]
    public void Contradictory_or_incomplete_connection_options_exit_2(params string[] connection)
    {
        var result = CliRunner.RunWithEnvironment(
            new Dictionary<string, string?> { [Connection.PasswordVariable] = "x" },
            ["modules", .. connection]);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--", result.Error, StringComparison.Ordinal);
    }

    public static TheoryData<string> ConnectingVerbs() =>
    [
        "publish", "script", "integration list", "integration add", "integration set", "integration remove", "autosync list",
        "autosync run", "trace", "sysparam get", "sysparam set", "modules", "modules set", "test", "run",
    ];

    [Theory]
    [MemberData(nameof(ConnectingVerbs))]
    public void Every_verb_that_connects_takes_the_same_connection_options(string verb)
    {
        var help = CliRunner.Run([.. verb.Split(' '), "--help", "--lang", "en"]);

        foreach (string option in new[] { "-c, --connection <CS>", "-S, --server <SERVER>", "-d, --database <DATABASE>", "-E, --integrated", "-U, --user <LOGIN>", "-C, --trust-server-certificate", "--timeout <SECONDS>" })
        {
            Assert.Contains(option, help.Out, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("--password", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_shows_the_new_names_only()
    {
        var tokens = CliRunner.Run("tokens", "expand", "--help", "--lang", "en");
        var integration = CliRunner.Run("integration", "add", "--help", "--lang", "en");
        var publish = CliRunner.Run("publish", "--help", "--lang", "en");

        Assert.Contains("--gescom-server <S>", tokens.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("-s,", tokens.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("--server", tokens.Out, StringComparison.Ordinal);
        Assert.Contains("--gescom-database <D>", integration.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("-s,", integration.Out, StringComparison.Ordinal);
        Assert.Contains("--output-dir <DIR>", publish.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("-o,", publish.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ConnectingVerbs))]
    public void Every_verb_that_connects_fails_on_a_closed_port_within_the_timeout_naming_server_and_database(string verb)
    {
        int port = ClosedPort();
        string server = "127.0.0.1," + port;
        string[] args = [.. ValidArguments(verb), "-S", server, "-d", "CRM", "-U", "sa", "--timeout", "2"];
        var watch = Stopwatch.StartNew();

        var result = CliRunner.RunWithEnvironment(new Dictionary<string, string?> { [Connection.PasswordVariable] = "not-used" }, args);

        watch.Stop();
        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains($"connexion impossible au serveur « {server} », base « CRM » (délai 2 s)", result.Error, StringComparison.Ordinal);
        Assert.Contains("pare-feu", result.Error, StringComparison.Ordinal);
        Assert.Contains("TCP/IP", result.Error, StringComparison.Ordinal);
        Assert.Single(Occurrences(result.Error, "Erreur :"));

        // The 2 s bound plus the verb's own start (a DACPAC to read, a plan to build) on a shared machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"{verb} took {watch.Elapsed.TotalSeconds:0.0} s to fail");
    }

    [Fact]
    public void Script_against_a_database_does_not_wait_for_DacFx_retries_on_a_closed_port()
    {
        int port = ClosedPort();
        var watch = Stopwatch.StartNew();

        var result = CliRunner.Run([.. ValidArguments("script"), "--connection", $"Server=tcp:127.0.0.1,{port};Database=CRM;Integrated Security=false;User ID=x;Password=y;Connect Timeout=30", "--timeout", "2", "--lang", "en"]);

        watch.Stop();
        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains($"cannot connect to server 'tcp:127.0.0.1,{port}', database 'CRM' (timeout 2 s)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("SQL73144", result.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"script took {watch.Elapsed.TotalSeconds:0.0} s to fail");
        Assert.False(File.Exists(Path.Combine(work, "x.sql")));
    }

    [Fact]
    public void An_IO_error_exits_2_with_a_message_and_no_stack_trace()
    {
        string file = Path.Combine(work, "a-file");
        File.WriteAllText(file, "not a folder");

        var result = CliRunner.Run("autosync", "new", "0100", "x", "--output-dir", Path.Combine(file, "sub"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.StartsWith("Erreur : ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_guard_maps_interruption_to_130_and_IO_after_work_began_to_1()
    {
        var error = new StringWriter();
        var context = new CliContext(TextReader.Null, TextWriter.Null, error, false);

        int interrupted = ErrorGuard.Handle(new OperationCanceledException(), context);
        WorkState.Begin();
        int before = ErrorGuard.Handle(new UnauthorizedAccessException("denied"), context);
        WorkState.MarkStarted();
        int after = ErrorGuard.Handle(new IOException("disk full"), context);

        Assert.Equal(ExitCodes.Interrupted, interrupted);
        Assert.Equal(130, ExitCodes.Interrupted);
        Assert.Equal(ExitCodes.BadInput, before);
        Assert.Equal(ExitCodes.ProcessingErrors, after);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }

    private string[] ValidArguments(string verb)
    {
        string profile = Repository.PathOf("database", "CrmDb.publish.xml");
        string script = Path.Combine(work, "010.sql");
        File.WriteAllText(script, "SELECT 1;");
        string tests = Directory.CreateDirectory(Path.Combine(work, "tsqlt")).FullName;
        File.WriteAllText(Path.Combine(tests, "XTests.class.sql"), "EXEC tSQLt.NewTestClass 'XTests';\nGO\n");
        string tsqlt = Path.Combine(work, "tSQLt.class.sql");
        File.WriteAllText(tsqlt, "PRINT 'tSQLt';\nGO\n");
        return verb switch
        {
            "publish" => ["publish", "--dacpac", Repository.CrmDbDacpac, "--profile", profile, "--output-dir", Path.Combine(work, "out")],
            "script" => ["script", "-o", Path.Combine(work, "x.sql"), "--dacpac", Repository.CrmDbDacpac, "--profile", profile],
            "integration add" => ["integration", "add", "1", "--name", "Bijou", "--gescom-database", "BIJOU"],
            "integration set" => ["integration", "set", "1", "--name", "Bijou"],
            "integration remove" => ["integration", "remove", "1"],
            "autosync run" => ["autosync", "run", "--integration", "1", "--status", "success"],
            "sysparam get" => ["sysparam", "get", "cleanUrl"],
            "sysparam set" => ["sysparam", "set", "cleanUrl", "Y"],
            "modules set" => ["modules", "set", "sales"],
            "test" => ["test", "--tsqlt", tsqlt, "--tests", tests, "--dacpac", Repository.CrmDbDacpac, "--profile", profile],
            "run" => ["run", "CRMPLUS", script, "--log-dir", Path.Combine(work, "logs")],
            _ => verb.Split(' '),
        };
    }

    private static int ClosedPort()
    {
        // A port that was just free and that nothing listens on any more: connecting is refused at once.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static IEnumerable<int> Occurrences(string text, string value)
    {
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            yield return at;
        }
    }
}
