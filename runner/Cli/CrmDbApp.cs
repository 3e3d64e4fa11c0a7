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
            await context.Error.WriteLineAsync($"--lang: '{language}' is not supported; use fr or en.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        var culture = CultureInfo.GetCultureInfo(language);
        CultureInfo.CurrentUICulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;

        RootCommand root = Build(context);
        ParseResult parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync("crmdb --help").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        return await InvokeAsync(parseResult, context).ConfigureAwait(false);
    }

    /// <summary>Invokes a parsed command line against <paramref name="context"/>.</summary>
    public static Task<int> InvokeAsync(ParseResult parseResult, CliContext context)
    {
        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error };
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
        return root;
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
