using System.CommandLine;
using System.Data;
using System.Globalization;
using System.Text;
using CrmDb.Runner.Autosync;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb autosync list|run|new: the AUTOSYNC hooks. list and run call dbo.MC_listautosync and
/// dbo.MC_runautosync and stream their messages; new writes a conforming hook to start from.
/// </summary>
public static class AutosyncCommand
{
    private static readonly Localizer Text = new("Autosync");

    /// <summary>Builds the verb and its sub-verbs.</summary>
    public static Command Create(CliContext context) =>
        new("autosync", Text["AutosyncDescription"])
        {
            List(context),
            Run(context),
            New(context),
        };

    /// <summary>--status success|fail|warning, checked by the parser.</summary>
    internal static Option<string> StatusOption(bool required)
    {
        var option = new Option<string>("--status")
        {
            Description = Text["StatusOption"],
            HelpName = "success|fail|warning",
            Required = required,
        };
        if (!required)
        {
            option.DefaultValueFactory = _ => "success";
        }

        option.AcceptOnlyFromAmong("success", "fail", "warning");
        return option;
    }

    /// <summary>--token T, 0 or more.</summary>
    internal static Option<int?> TokenOption() => new("--token") { Description = Text["TokenOption"], HelpName = "T" };

    /// <summary>The token given, checked.</summary>
    internal static int? CheckToken(int? token) =>
        token < 0 ? throw new UsageException(Text["TokenNegative", token]) : token;

    private static Command List(CliContext context)
    {
        var connection = new ConnectionOptions();
        var integration = new Option<int?>("--integration") { Description = Text["ListIntegrationOption"], HelpName = "N" };
        var command = new Command("list", Text["ListDescription"]) { integration };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            string connectionString = await connection.OpenAsync(parseResult, context, cancellationToken).ConfigureAwait(false);
            var rows = new List<string[]> { Text["ListColumns"].Split('|') };
            var notes = new List<string>();
            bool anyNonConforming = false;
            var outcome = await ProcedureCall.RunAsync(
                connectionString,
                "dbo.MC_listautosync",
                [new SqlParameter("@ErpIntegrationID", SqlDbType.Int) { Value = (object?)parseResult.GetValue(integration) ?? DBNull.Value }],
                [],
                async reader =>
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        bool conforming = reader.GetBoolean(reader.GetOrdinal("IsConforming"));
                        anyNonConforming |= !conforming;
                        string name = reader.GetString(reader.GetOrdinal("ProcedureName"));
                        rows.Add(
                        [
                            reader.GetInt32(reader.GetOrdinal("RunOrder")).ToString(CultureInfo.InvariantCulture),
                            name,
                            conforming ? Text["Yes"] : Text["No"],
                            Cell(reader, "Parameters"),
                        ]);
                        if (!conforming)
                        {
                            notes.Add("  " + name + " : " + Cell(reader, "Reason"));
                        }
                    }
                },
                cancellationToken).ConfigureAwait(false);

            if (rows.Count == 1)
            {
                context.Out.WriteLine(Text["ListNone"]);
                return ProcedureCall.ExitCode(outcome);
            }

            TextTable.Write(context.Out, rows);
            if (notes.Count > 0)
            {
                context.Out.WriteLine();
                context.Out.WriteLine(Text["ListNonConforming"]);
                notes.ForEach(context.Out.WriteLine);
            }

            return anyNonConforming ? ExitCodes.ProcessingErrors : ProcedureCall.ExitCode(outcome);
        });
        return command;
    }

    private static Command Run(CliContext context)
    {
        var connection = new ConnectionOptions();
        var integration = new Option<int>("--integration") { Description = Text["RunIntegrationOption"], HelpName = "N", Required = true };
        var status = StatusOption(required: true);
        var token = TokenOption();
        var trace = new Option<bool>("--trace") { Description = Text["RunTraceOption"] };
        var command = new Command("run", Text["RunDescription"]) { integration, status, token, trace };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            int? tokenValue = CheckToken(parseResult.GetValue(token));
            string connectionString = await connection.OpenAsync(parseResult, context, cancellationToken).ConfigureAwait(false);
            var outcome = await ProcedureCall.RunAsync(
                connectionString,
                "dbo.MC_runautosync",
                [
                    new SqlParameter("@ErpIntegrationID", SqlDbType.Int) { Value = parseResult.GetValue(integration) },
                    new SqlParameter("@ErpSyncStatus", SqlDbType.NVarChar, 10) { Value = parseResult.GetValue(status)! },
                    new SqlParameter("@tokenAccount", SqlDbType.Int) { Value = (object?)tokenValue ?? DBNull.Value },
                    new SqlParameter("@Trace", SqlDbType.Bit) { Value = parseResult.GetValue(trace) },
                ],
                [context.Out],
                null,
                cancellationToken).ConfigureAwait(false);
            return ProcedureCall.ExitCode(outcome);
        });
        return command;
    }

    private static Command New(CliContext context)
    {
        var order = new Argument<string>("ORDER") { Description = Text["NewOrderArgument"] };
        var label = new Argument<string>("LABEL") { Description = Text["NewLabelArgument"] };
        // --output/-o named this folder before --output came to mean a file everywhere: kept one release.
        var output = new Option<string>("--output-dir") { Description = Text["NewOutputOption"], HelpName = "DIR", DefaultValueFactory = _ => "." }
            .WithDeprecated("--output", "-o");
        var force = new Option<bool>("--force") { Description = Text["NewForceOption"] };
        var command = new Command("new", Text["NewDescription"]) { order, label, output, force };
        command.SetHandler(context, parseResult =>
        {
            string orderValue = parseResult.GetValue(order) ?? string.Empty;
            string labelValue = parseResult.GetValue(label) ?? string.Empty;
            string? problem = HookScaffold.Problem(orderValue, labelValue);
            if (problem is not null)
            {
                throw new UsageException(Text[problem, orderValue, labelValue, HookScaffold.MaxNameLength]);
            }

            string directory = Path.GetFullPath(parseResult.GetValue(output)!);
            string path = Path.Combine(directory, HookScaffold.FileName(orderValue, labelValue));
            if (File.Exists(path) && !parseResult.GetValue(force))
            {
                throw new UsageException(Text["NewFileExists", path]);
            }

            Directory.CreateDirectory(directory);
            File.WriteAllText(path, HookScaffold.Build(orderValue, labelValue, DateTime.Today), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            context.Out.WriteLine(Text["NewWritten", path, HookScaffold.ProcedureName(orderValue, labelValue)]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Cell(SqlDataReader reader, string column)
    {
        int ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? string.Empty : reader.GetString(ordinal);
    }
}
