using System.CommandLine;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Backup;

/// <summary>What --backup-first did: the exit code (0 when the pair was taken or not asked for) and the pair's label.</summary>
public sealed record BackupFirstResult(int ExitCode, string? Label)
{
    /// <summary>Nothing asked, or a dry run: nothing taken, go on.</summary>
    public static BackupFirstResult NotAsked { get; } = new(ExitCodes.Success, null);

    /// <summary>The text for a log header's options: " --backup-first (pair LABEL)", or nothing.</summary>
    public string Describe(string options) => Label is null ? options : (options == "-" ? string.Empty : options + " ") + "--backup-first " + Label;
}

/// <summary>
/// --backup-first on crmdb publish and crmdb run: a COPY_ONLY full pair (the differential base stays
/// as it was) of the CRM and its GesCom before anything changes; if it fails, nothing is changed.
/// The folder is CRMDB_BACKUP_DIRECTORY, else the instance's default backup folder; a GesCom on
/// another instance is reached through CRMDB_GESCOM_CONNECTION.
/// </summary>
public static class BackupFirst
{
    /// <summary>The folder of --backup-first when the instance has no default (SQL Server 2017).</summary>
    public const string DirectoryVariable = "CRMDB_BACKUP_DIRECTORY";

    /// <summary>The GesCom instance's connection string when GesCom is not on the CRM's instance.</summary>
    public const string GesComConnectionVariable = "CRMDB_GESCOM_CONNECTION";

    private static readonly Localizer Text = new("Backup");

    /// <summary>The --backup-first option.</summary>
    public static Option<bool> CreateOption() => new("--backup-first") { Description = Text["BackupFirstOption", DirectoryVariable, GesComConnectionVariable] };

    /// <summary>Takes the pair when <paramref name="asked"/>; prints its label or why it failed.</summary>
    public static BackupFirstResult Take(bool asked, CliContext context, string? connectionString, int? integration)
    {
        if (!asked)
        {
            return BackupFirstResult.NotAsked;
        }

        string? directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        string? gescom = Environment.GetEnvironmentVariable(GesComConnectionVariable);
        context.Out.WriteLine(Text["BackupFirstStart"]);
        Connection.Probe(connectionString ?? throw new UsageException(Text["BackupFirstNeedsConnection"]));
        if (!string.IsNullOrWhiteSpace(gescom))
        {
            Connection.Probe(Connection.Check(gescom).ConnectionString);
        }

        var result = new PairBackup(context, TimeProvider.System).Run(new PairBackupRequest
        {
            CrmConnectionString = connectionString,
            GesComConnectionString = string.IsNullOrWhiteSpace(gescom) ? null : Connection.Check(gescom).ConnectionString,
            Integration = integration,
            Type = BackupType.Full,
            CopyOnly = true,
            Directory = string.IsNullOrWhiteSpace(directory) ? null : directory.Trim(),
        });
        if (result.ExitCode != ExitCodes.Success)
        {
            context.Error.WriteLine(Text["BackupFirstFailed", result.Label]);
            return new BackupFirstResult(result.ExitCode, null);
        }

        context.Out.WriteLine(Text["BackupFirstDone", result.Label]);
        return new BackupFirstResult(ExitCodes.Success, result.Label);
    }
}
