using System.CommandLine;
using System.Text;
using CrmDb.Clr.Doctor;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Doctor;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb doctor: the checks of the guide and of CrmDb (docs/doctor.md) as findings by priority.
/// It reads the facts with dbo.MC_doctor's own fact batch and decides with the code
/// dbo.MC_doctorfindings runs (CrmDb.Clr.Doctor); it changes nothing. --list prints the
/// catalogue without a server; --details DOC-xxx prints one check and, connected, its findings
/// and the first rows of an anomaly.
/// </summary>
public static class DoctorCommand
{
    /// <summary>The default of --fail-on: every finding of priority 100 or more urgent fails.</summary>
    public const int DefaultFailOn = 100;

    private const int DetailRows = 20;
    private static readonly Localizer Text = new("Doctor");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var connection = new ConnectionOptions();
        var list = new Option<bool>("--list") { Description = Text["ListOption"] };
        var integration = new Option<int?>("--integration") { Description = Text["IntegrationOption"], HelpName = "N" };
        var failOn = new Option<int>("--fail-on") { Description = Text["FailOnOption", DefaultFailOn], HelpName = Text["PriorityHelpName"], DefaultValueFactory = _ => DefaultFailOn };
        var format = new Option<string>("--format") { Description = Text["FormatOption"], HelpName = "text|json|html", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "html");
        var output = new Option<string?>("--output", "-o") { Description = Text["OutputOption"], HelpName = "FILE" };
        var details = new Option<string?>("--details") { Description = Text["DetailsOption"], HelpName = "DOC-xxx" };
        var crmLogin = new Option<string?>("--crm-login") { Description = Text["CrmLoginOption"], HelpName = "LOGIN" };
        var command = new Command("doctor", Text["DoctorDescription"]) { list, integration, failOn, format, output, details, crmLogin };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            int failOnValue = parseResult.GetValue(failOn);
            if (failOnValue is < 1 or > 255)
            {
                throw new UsageException(Text["FailOnInvalid", failOnValue]);
            }

            string formatValue = parseResult.GetValue(format)!;
            string? file = parseResult.GetValue(output);
            string? detailsId = parseResult.GetValue(details);
            DoctorCheck? detailsCheck = null;
            if (detailsId is not null)
            {
                detailsCheck = DoctorCatalog.Find(detailsId) ?? throw new UsageException(Text["UnknownCheck", detailsId]);
            }

            if (parseResult.GetValue(list))
            {
                if (formatValue == "html")
                {
                    throw new UsageException(Text["ListFormat"]);
                }

                Emit(context, file, formatValue == "json" ? DoctorJsonReport.Catalog() + Environment.NewLine : CatalogText());
                return ExitCodes.Success;
            }

            string? connectionString = connection.Find(parseResult, context);
            if (detailsCheck is not null && connectionString is null)
            {
                var entry = new StringWriter();
                DoctorTextReport.WriteCheck(entry, detailsCheck);
                Emit(context, file, entry.ToString());
                return ExitCodes.Success;
            }

            connectionString ??= connection.Require(parseResult, context);
            var builder = new SqlConnectionStringBuilder(connectionString);
            string server = builder.DataSource;
            string database = string.IsNullOrEmpty(builder.InitialCatalog) ? "?" : builder.InitialCatalog;
            List<DoctorFinding> findings;
            bool connected = true;
            try
            {
                await Connection.ProbeAsync(connectionString, cancellationToken).ConfigureAwait(false);
                DoctorFacts facts = await DoctorFactReader.ReadAsync(connectionString, parseResult.GetValue(integration), parseResult.GetValue(crmLogin), cancellationToken).ConfigureAwait(false);
                findings = DoctorRules.Evaluate(facts);
            }
            catch (ConnectionFailedException ex)
            {
                // A connection failure is a finding like the others (priority 1): the report says so.
                findings = DoctorRules.ConnectionFailed(server, ex.Message);
                connected = false;
            }

            var report = new DoctorReport(server, database, DateTime.UtcNow, findings, failOnValue);
            if (detailsCheck is not null)
            {
                string text = await DetailsAsync(detailsCheck, report, connected ? connectionString : null, cancellationToken).ConfigureAwait(false);
                Emit(context, file, text);
                return report.ExitCode;
            }

            string rendered = formatValue switch
            {
                "json" => DoctorJsonReport.Report(report) + Environment.NewLine,
                "html" => DoctorHtmlReport.Render(report),
                _ => TextOf(report),
            };
            Emit(context, file, rendered);
            return report.ExitCode;
        });
        return command;
    }

    private static string CatalogText()
    {
        var writer = new StringWriter();
        DoctorTextReport.WriteCatalog(writer);
        return writer.ToString();
    }

    private static string TextOf(DoctorReport report)
    {
        var writer = new StringWriter();
        DoctorTextReport.Write(writer, report);
        return writer.ToString();
    }

    private static async Task<string> DetailsAsync(DoctorCheck check, DoctorReport report, string? connectionString, CancellationToken cancellationToken)
    {
        var writer = new StringWriter();
        DoctorTextReport.WriteCheck(writer, check);
        var mine = report.Findings.Where(f => f.Check.Id == check.Id).ToList();
        if (connectionString is null)
        {
            DoctorTextReport.Write(writer, report with { Findings = report.Findings });
            return writer.ToString();
        }

        writer.WriteLine();
        if (mine.Count == 0)
        {
            writer.WriteLine(Text["DetailsNone", check.Id]);
        }

        foreach (DoctorFinding finding in mine)
        {
            writer.WriteLine(Text["DetailsScope", finding.Scope]);
            writer.WriteLine("  " + (finding.CannotCheck ? Text["CannotCheck", finding.MissingRight] : finding.Details));
            if (finding.Query is null)
            {
                continue;
            }

            writer.WriteLine(Text["DetailsQuery"]);
            writer.WriteLine(finding.Query);
            try
            {
                var (columns, rows) = await DoctorFactReader.FirstRowsAsync(connectionString, finding.Query, DetailRows, cancellationToken).ConfigureAwait(false);
                writer.WriteLine(Text["DetailsRows", rows.Count, finding.RowCount ?? rows.Count]);
                writer.WriteLine(string.Join(" | ", columns));
                foreach (var row in rows)
                {
                    writer.WriteLine(string.Join(" | ", row.Select(v => v ?? "NULL")));
                }
            }
            catch (SqlException ex)
            {
                writer.WriteLine(Text["DetailsQueryFailed", ex.Message]);
            }
        }

        return writer.ToString();
    }

    private static void Emit(CliContext context, string? file, string text)
    {
        if (file is null)
        {
            context.Out.Write(text);
            return;
        }

        try
        {
            string path = Path.GetFullPath(file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            context.Out.WriteLine(Text["Written", path]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException(Text["FileError", file, ex.Message]);
        }
    }
}
