using System.CommandLine;
using System.Globalization;
using CrmDb.Runner.Backup;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb run COMPONENT PATH...: the automated SQL processing ("traitements automatisés SQL"):
/// sqlcmd batches, continue on error, bachsql log, journal and rerun (docs/run.md).
/// </summary>
public static class RunCommand
{
    private static readonly Localizer Text = new("Run");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context) => Create(context, new ProbedRunEnvironment(new SqlRunEnvironment()), TimeProvider.System);

    /// <summary>Builds the verb on <paramref name="environment"/> (tests pass a fake).</summary>
    public static Command Create(CliContext context, IRunEnvironment environment, TimeProvider time)
    {
        var component = new Argument<string>("COMPONENT") { Description = Text["ComponentArgument"] };
        var paths = new Argument<string[]>("PATH") { Description = Text["PathArgument"], Arity = ArgumentArity.ZeroOrMore };

        // -i FILE is sqlcmd's input file; --integration has no short name so that it cannot be mistaken for it.
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = Text["InputOption"],
            HelpName = "FILE",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var connection = new ConnectionOptions();
        var queryTimeout = new Option<int>("--query-timeout") { Description = Text["QueryTimeoutOption"], HelpName = "SECONDS" };
        var integration = new Option<int?>("--integration") { Description = Text["IntegrationOption"], HelpName = "N" };
        var variables = CommonOptions.Variables(Text["VariableOption"]);
        var secretVariables = CommonOptions.SecretVariables(Text["SecretVariableOption"]);
        var noVariables = new Option<bool>("--no-variables", "-x") { Description = Text["NoVariablesOption"] };
        var codePage = CommonOptions.CodePage();
        var logDir = new Option<string?>("--log-dir") { Description = Text["LogDirOption", BachsqlLogFiles.DirectoryVariable], HelpName = "DIR" };
        var dryRun = new Option<bool>("--dry-run") { Description = Text["DryRunOption"] };
        var force = new Option<bool>("--force") { Description = Text["ForceOption"] };
        var gescomServer = new Option<string?>("--gescom-server") { Description = Text["GesComServerOption"], HelpName = "SERVER" };
        var gescomDatabase = new Option<string?>("--gescom-database") { Description = Text["GesComDatabaseOption"], HelpName = "DATABASE" };
        var backupFirst = BackupFirst.CreateOption();
        var quotedIdentifier = new Option<string?>("--quoted-identifier") { Description = Text["QuotedIdentifierOption"], HelpName = "on|off" };

        var command = new Command("run", Text["RunDescription"])
        {
            component, paths, inputs, integration, variables, secretVariables, noVariables, logDir, dryRun, force, gescomServer, gescomDatabase, queryTimeout, codePage, quotedIdentifier, backupFirst,
        };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            string name = ComponentName.Validate(parseResult.GetValue(component));
            string[] scripts = [.. parseResult.GetValue(paths) ?? [], .. parseResult.GetValue(inputs) ?? []];
            if (scripts.Length == 0)
            {
                throw new UsageException(Text["PathsMissing"]);
            }

            int batchTimeout = parseResult.GetValue(queryTimeout);
            if (batchTimeout < 0)
            {
                throw new UsageException(Text["QueryTimeoutInvalid", batchTimeout]);
            }

            bool quoted = parseResult.GetValue(quotedIdentifier)?.ToUpperInvariant() switch
            {
                null or "ON" => true,
                "OFF" => false,
                _ => throw new UsageException(Text["QuotedIdentifierInvalid", parseResult.GetValue(quotedIdentifier)!]),
            };

            bool isDryRun = parseResult.GetValue(dryRun);
            int? integrationId = parseResult.GetValue(integration);
            string? server = parseResult.GetValue(gescomServer);
            string? database = parseResult.GetValue(gescomDatabase);
            if (integrationId is not null && database is not null)
            {
                throw new UsageException(Text["IntegrationOrGesCom"]);
            }

            if (server is not null && database is null)
            {
                throw new UsageException(Text["GesComServerAlone"]);
            }

            string? connectionString = connection.Find(parseResult, context);
            if (connectionString is not null)
            {
                // Carried by the connection string to the batch executor (SqlRunSession), 0 meaning no limit.
                connectionString = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString) { CommandTimeout = batchTimeout }.ConnectionString;
            }

            if (!isDryRun)
            {
                connectionString = Connection.Require(connectionString);
            }
            else if (integrationId is not null && connectionString is null)
            {
                throw new UsageException(Text["DryRunIntegrationNeedsGesCom", Connection.EnvironmentVariable]);
            }

            var (variableValues, secretValues) = CommonOptions.ParseVariables(parseResult.GetValue(variables), parseResult.GetValue(secretVariables));

            var inputEncoding = ScriptEncoding.FromOption(parseResult.GetValue(codePage));
            var mask = new SecretMask(variableValues, secretValues.Keys);

            // Every input checked: --backup-first (docs/backup.md) takes a COPY_ONLY pair before the run
            // changes anything; its label goes to the log header.
            var first = BackupFirst.Take(parseResult.GetValue(backupFirst) && !isDryRun, context, connectionString, integrationId);
            if (first.ExitCode != ExitCodes.Success)
            {
                return first.ExitCode;
            }

            var request = new RunRequest
            {
                Component = name,
                Paths = scripts,
                Variables = variableValues,
                SecretVariables = secretValues.Keys.ToList(),
                SubstituteVariables = !parseResult.GetValue(noVariables),
                InputEncoding = inputEncoding,
                LogDirectory = BachsqlLogFiles.ResolveDirectory(parseResult.GetValue(logDir)),
                DryRun = isDryRun,
                Force = parseResult.GetValue(force),
                Integration = integrationId,
                GesComServer = server,
                GesComDatabase = database,
                ConnectionString = connectionString,
                QuotedIdentifier = quoted,
                OptionsText = first.Describe(WithQuotedIdentifier(quoted, WithCodePage(
                    DescribeOptions(variableValues, secretValues.Keys, mask, integrationId, server, database, isDryRun, parseResult.GetValue(force), parseResult.GetValue(noVariables), batchTimeout),
                    parseResult.GetValue(codePage)))),
            };
            // Ctrl+C and SIGTERM end the run in order (exit 130); a second one ends it at once.
            using var interruption = RunInterruption.Listen(cancellationToken);
            var orchestrator = new RunOrchestrator(context, environment, time);
            interruption.SecondSignal += () => orchestrator.AbortNow(() => Environment.Exit(ExitCodes.Interrupted));
            try
            {
                var result = await orchestrator.RunAsync(request, interruption.Token).ConfigureAwait(false);
                return result.ExitCode;
            }
            catch (OperationCanceledException) when (interruption.Token.IsCancellationRequested)
            {
                // Ctrl+C outside the pipeline's own handling (reading an integration in a dry run): nothing ran.
                await context.Error.WriteLineAsync(Text["Cancelled"]).ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }

    /// <summary>The log header's options with --quoted-identifier off, which changes how the scripts read.</summary>
    private static string WithQuotedIdentifier(bool quoted, string options) => quoted
        ? options
        : "--quoted-identifier off" + (options == "-" ? string.Empty : " " + options);

    /// <summary>The log header's options with --code-page, so that a rerun reads the scripts the same way.</summary>
    private static string WithCodePage(string options, int? codePage) => codePage is int value
        ? (options == "-" ? string.Empty : options + " ") + "--code-page " + value.ToString(CultureInfo.InvariantCulture)
        : options;

    /// <summary>
    /// True when the verb parsed is crmdb run (not crmdb autosync run), which handles Ctrl+C and SIGTERM itself
    /// (<see cref="RunInterruption"/>): System.CommandLine's own handler must then be off, as it
    /// ends the process two seconds after the first signal whatever the run is doing.
    /// </summary>
    public static bool HandlesInterruption(ParseResult parseResult) =>
        parseResult.CommandResult is { Command.Name: "run", Parent: System.CommandLine.Parsing.CommandResult { Command: RootCommand } };

    /// <summary>The options for the log header; never the connection string, which may hold a password, and secret values masked.</summary>
    private static string DescribeOptions(
        IReadOnlyDictionary<string, string> variables, IEnumerable<string> secretNames, SecretMask mask, int? integration, string? server, string? database,
        bool dryRun, bool force, bool noVariables, int queryTimeout)
    {
        var parts = new List<string>();
        if (integration is int id)
        {
            parts.Add("--integration " + id.ToString(CultureInfo.InvariantCulture));
        }

        if (database is not null)
        {
            parts.Add(server is null ? $"--gescom-database \"{database}\"" : $"--gescom-server \"{server}\" --gescom-database \"{database}\"");
        }

        var secret = new HashSet<string>(secretNames, StringComparer.OrdinalIgnoreCase);
        parts.AddRange(variables.Select(v => secret.Contains(v.Key)
            ? $"--secret-variable {v.Key}={CrmDb.Clr.SecretNames.Mask}"
            : mask.Apply($"--variable {v.Key}={v.Value}")));
        if (noVariables)
        {
            parts.Add("--no-variables");
        }

        if (dryRun)
        {
            parts.Add("--dry-run");
        }

        if (force)
        {
            parts.Add("--force");
        }

        if (queryTimeout > 0)
        {
            parts.Add("--query-timeout " + queryTimeout.ToString(CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "-" : string.Join(' ', parts);
    }
}
