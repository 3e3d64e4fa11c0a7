using System.CommandLine;
using CrmDb.Runner.Backup;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb restore --pair LABEL: restores the CRM and its GesCom from one pair, both verified first;
/// --as NEW_CRM,NEW_GESCOM restores a test copy and points its CrmDb integration record at the
/// copied GesCom (docs/backup.md).
/// </summary>
public static class RestoreCommand
{
    private static readonly Localizer Text = new("Backup");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var connection = new ConnectionOptions(Text["RestoreConnectionOption"]);
        var pair = new Option<string>("--pair") { Description = Text["PairOption"], HelpName = "LABEL", Required = true };
        var from = new Option<string?>("--from") { Description = Text["FromOption"], HelpName = "DIR" };
        var replace = new Option<bool>("--replace") { Description = Text["ReplaceOption"] };
        var copyAs = new Option<string?>("--as") { Description = Text["AsOption"], HelpName = "NEW_CRM,NEW_GESCOM" };
        var dataDir = new Option<string?>("--data-dir") { Description = Text["DataDirOption"], HelpName = "DIR" };
        var logDir = new Option<string?>("--log-dir") { Description = Text["LogDirOption"], HelpName = "DIR" };
        var command = new Command("restore", Text["RestoreDescription"]) { pair, from, replace, copyAs, dataDir, logDir };
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            string label = parseResult.GetValue(pair)!.Trim();
            if (!PairLabel.IsValid(label))
            {
                throw new UsageException(Text["LabelInvalid", label]);
            }

            var (crmCopy, gescomCopy) = CopyNames(parseResult.GetValue(copyAs));
            // The pair's CRM may be the very database lost: probe the instance through master.
            string connectionString = connection.Require(parseResult, context);
            Connection.DatabaseName(connectionString);
            Connection.Probe(new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString) { InitialCatalog = "master" }.ConnectionString);
            return new PairRestore(context).Run(new PairRestoreRequest
            {
                ConnectionString = connectionString,
                Label = label,
                From = NonEmpty(parseResult.GetValue(from), "--from"),
                Replace = parseResult.GetValue(replace),
                AsCrm = crmCopy,
                AsGesCom = gescomCopy,
                DataDirectory = NonEmpty(parseResult.GetValue(dataDir), "--data-dir"),
                LogDirectory = NonEmpty(parseResult.GetValue(logDir), "--log-dir"),
            });
        });
        return command;
    }

    /// <summary>--as NEW_CRM,NEW_GESCOM: two distinct database names.</summary>
    public static (string? Crm, string? GesCom) CopyNames(string? value)
    {
        if (value is null)
        {
            return (null, null);
        }

        string[] parts = value.Split(',').Select(p => p.Trim()).ToArray();
        if (parts.Length != 2 || parts.Any(p => p.Length == 0 || p.Length > 128 || p.Any(char.IsControl))
            || string.Equals(parts[0], parts[1], StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException(Text["AsInvalid", value]);
        }

        return (parts[0], parts[1]);
    }

    private static string? NonEmpty(string? value, string option) =>
        value is null ? null : value.Trim().Length > 0 ? value.Trim() : throw new UsageException(Text["OptionEmpty", option]);
}
