using System.CommandLine;
using System.Globalization;
using CrmDb.Runner.Commands;

namespace CrmDb.Runner.Cli;

/// <summary>The crmdb command line: builds the verbs, parses, runs, returns the exit code.</summary>
public static class CrmDbApp
{
    /// <summary>Environment variable giving the default language (fr or en).</summary>
    public const string LanguageVariable = "CRMDB_LANG";

    /// <summary>Runs crmdb with <paramref name="args"/> against <paramref name="context"/>.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        string language = SelectLanguage(args);
        if (language is not ("fr" or "en"))
        {
            // The language is the thing in question: say it in both.
            await context.Error.WriteLineAsync($"--lang : « {language} » n'est pas pris en charge ; choisissez fr ou en.").ConfigureAwait(false);
            await context.Error.WriteLineAsync($"--lang: '{language}' is not supported; use fr or en.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        var culture = CultureInfo.GetCultureInfo(language);
        CultureInfo.CurrentUICulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;

        try
        {
            var text = new Localizer("Common");
            RootCommand root = Build(context);
            ParseResult parseResult = root.Parse(args);
            var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
            // Help and --version answer before the checks that would ask for a verb.
            bool asksVersion = root.Options.OfType<VersionOption>().Any(option => parseResult.GetResult(option) is not null);
            if (parseResult.Action is LocalizedHelpAction || asksVersion)
            {
                return await parseResult.InvokeAsync(invocation).ConfigureAwait(false);
            }

            var errors = ParseErrorMessages.Of(parseResult, args);
            if (parseResult.Errors.Count > 0 || errors.Count > 0)
            {
                foreach (string error in errors)
                {
                    await context.Error.WriteLineAsync(text["ErrorPrefix", error]).ConfigureAwait(false);
                }

                await context.Error.WriteLineAsync(text["SeeHelp", HelpCommandLine(parseResult.CommandResult.Command)]).ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            foreach (string warning in DeprecatedAliases.Warnings(parseResult))
            {
                await context.Error.WriteLineAsync(text["WarningPrefix", warning]).ConfigureAwait(false);
            }

            return await InvokeAsync(parseResult, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Anything a verb's own guard did not see (help, the parser, start-up): a message, no stack trace.
            return ErrorGuard.Handle(ex, context);
        }
    }

    /// <summary>Invokes a parsed command line against <paramref name="context"/> (the executable and the tests' child host).</summary>
    public static Task<int> InvokeAsync(ParseResult parseResult, CliContext context)
    {
        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
        if (RunCommand.HandlesInterruption(parseResult))
        {
            // crmdb run ends in order on Ctrl+C and SIGTERM itself (docs/run.md).
            invocation.ProcessTerminationTimeout = null;
        }

        return parseResult.InvokeAsync(invocation);
    }

    /// <summary>The root command with every verb.</summary>
    public static RootCommand Build(CliContext context)
    {
        var text = new Localizer("Common");
        var root = new RootCommand(text["RootDescription"]);
        root.Options.Add(new Option<string>("--lang")
        {
            Description = text["LangOption"],
            Recursive = true,
            HelpName = "fr|en",
        });

        // One line per verb; each verb lives in its own file under Commands/.
        root.Subcommands.Add(PublishCommand.Create(context));
        root.Subcommands.Add(ScriptCommand.Create(context));
        root.Subcommands.Add(TokensCommand.Create(context));
        root.Subcommands.Add(IntegrationCommand.Create(context));
        root.Subcommands.Add(AutosyncCommand.Create(context));
        root.Subcommands.Add(TraceCommand.Create(context));
        root.Subcommands.Add(SysParamCommand.Create(context));
        root.Subcommands.Add(ModulesCommand.Create(context));
        root.Subcommands.Add(TestCommand.Create(context));
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(BatchesCommand.Create(context));
        root.Subcommands.Add(ClrCommand.Create(context));
        root.Subcommands.Add(BackupCommand.Create(context));
        root.Subcommands.Add(RestoreCommand.Create(context));
        root.Subcommands.Add(DoctorCommand.Create(context));
        root.Subcommands.Add(MaintenanceCommand.Create(context));
        root.Subcommands.Add(ReplicationCommand.Create(context));
        LocalizedHelpAction.Install(root, context);
        return root;
    }

    private static string HelpCommandLine(Command command)
    {
        var names = new List<string>();
        for (Command? verb = command; verb is not null and not RootCommand; verb = verb.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, verb.Name);
        }

        return string.Join(' ', ["crmdb", .. names, "--help"]);
    }

    private static string SelectLanguage(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--lang" && i + 1 < args.Length)
            {
                return args[i + 1].ToLowerInvariant();
            }

            if (args[i].StartsWith("--lang=", StringComparison.Ordinal))
            {
                return args[i]["--lang=".Length..].ToLowerInvariant();
            }
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(LanguageVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? "fr" : fromEnvironment.Trim().ToLowerInvariant();
    }
}
