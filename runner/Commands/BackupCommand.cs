using System.CommandLine;
using CrmDb.Runner.Backup;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb backup: one pair backup of the CRM and the GesCom databases of its integrations, also when
/// GesCom is on another instance (--gescom-connection), under the cycle locks (docs/backup.md).
/// </summary>
public static class BackupCommand
{
    private static readonly Localizer Text = new("Backup");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var connection = new ConnectionOptions();
        var integration = new Option<int?>("--integration") { Description = Text["IntegrationOption"], HelpName = "N" };
        var type = new Option<string>("--type") { Description = Text["TypeOption"], HelpName = "full|diff|log", DefaultValueFactory = _ => "full" };
        var copyOnly = new Option<bool>("--copy-only") { Description = Text["CopyOnlyOption"] };
        var gescom = new Option<string?>("--gescom-connection") { Description = Text["GesComConnectionOption"], HelpName = "CS" };
        var directory = new Option<string?>("--directory") { Description = Text["DirectoryOption"], HelpName = "DIR" };
        var lockTimeout = new Option<int>("--lock-timeout") { Description = Text["LockTimeoutOption"], HelpName = "SECONDS", DefaultValueFactory = _ => 60 };
        var dryRun = new Option<bool>("--dry-run") { Description = Text["DryRunOption"] };
        var command = new Command("backup", Text["BackupDescription"]) { integration, type, copyOnly, gescom, directory, lockTimeout, dryRun };
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            // Every input is checked before connecting.
            BackupType backupType = BackupTypes.Parse(parseResult.GetValue(type)) ?? throw new UsageException(Text["TypeInvalid", parseResult.GetValue(type)]);
            bool isCopyOnly = parseResult.GetValue(copyOnly);
            if (isCopyOnly && backupType == BackupType.Diff)
            {
                throw new UsageException(Text["CopyOnlyDiff"]);
            }

            int timeout = parseResult.GetValue(lockTimeout);
            if (timeout < 0)
            {
                throw new UsageException(Text["LockTimeoutInvalid", timeout]);
            }

            string? folder = parseResult.GetValue(directory)?.Trim();
            if (folder is { Length: 0 })
            {
                throw new UsageException(Text["DirectoryEmpty"]);
            }

            string? gescomConnection = parseResult.GetValue(gescom);
            if (gescomConnection is not null)
            {
                gescomConnection = Connection.Check(gescomConnection).ConnectionString;
            }

            string connectionString = connection.Open(parseResult, context);
            if (gescomConnection is not null)
            {
                Connection.Probe(gescomConnection);
            }

            var result = new PairBackup(context, TimeProvider.System).Run(new PairBackupRequest
            {
                CrmConnectionString = connectionString,
                GesComConnectionString = gescomConnection,
                Integration = parseResult.GetValue(integration),
                Type = backupType,
                CopyOnly = isCopyOnly,
                Directory = folder,
                DryRun = parseResult.GetValue(dryRun),
                LockTimeoutSeconds = timeout,
            });
            return result.ExitCode;
        });
        return command;
    }
}
