using System.CommandLine;
using System.Globalization;
using System.Text;
using CrmDb.Runner.Autosync;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Maintenance;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb maintenance plan | run --slot S [--dry-run] | schedule --agent --output FILE |
/// schedule --windows --output-dir DIR: the guide's maintenance plan (dbo.MC_MaintenancePlan,
/// dbo.MC_maintenance) shown, run, and scheduled on every edition (docs/maintenance.md).
/// </summary>
public static class MaintenanceCommand
{
    private static readonly Localizer Text = new("Maintenance");

    /// <summary>Builds the verb and its sub-verbs.</summary>
    public static Command Create(CliContext context) =>
        new("maintenance", Text["MaintenanceDescription"]) { Plan(context), Run(context), Schedule(context) };

    private static Command Plan(CliContext context)
    {
        var connection = new ConnectionOptions();
        var command = new Command("plan", Text["PlanDescription"]);
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            string? connectionString = connection.Find(parseResult, context);
            if (connectionString is null)
            {
                await context.Out.WriteLineAsync(Text["PlanDefault"]).ConfigureAwait(false);
                await context.Out.WriteLineAsync(Describe(DefaultMaintenancePlan.Rows)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await Connection.ProbeAsync(connectionString, cancellationToken).ConfigureAwait(false);
            var rows = await MaintenanceStore.ReadPlanAsync(connectionString, cancellationToken).ConfigureAwait(false);
            var (facts, edition) = await MaintenanceStore.ReadFactsAsync(connectionString, cancellationToken).ConfigureAwait(false);
            await context.Out.WriteLineAsync(Text["PlanDatabase", facts.Name]).ConfigureAwait(false);
            await context.Out.WriteLineAsync(Describe(rows)).ConfigureAwait(false);
            await context.Out.WriteLineAsync(Explain(rows, facts, edition, DateTime.Now)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Run(CliContext context)
    {
        var connection = new ConnectionOptions();
        var slot = SlotOption();
        var dryRun = new Option<bool>("--dry-run") { Description = Text["DryRunOption"] };
        var databases = new Option<string>("--databases") { Description = Text["DatabasesOption"], HelpName = "CRM|GESCOM|ALL|LIST", DefaultValueFactory = _ => "ALL" };
        var timeLimit = new Option<int?>("--time-limit") { Description = Text["TimeLimitOption"], HelpName = Text["SecondsHelpName"] };
        var command = new Command("run", Text["RunDescription"]) { slot, dryRun, databases, timeLimit };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            string slotValue = RequireSlot(parseResult.GetValue(slot));
            int? limit = parseResult.GetValue(timeLimit);
            if (limit is < 0)
            {
                throw new UsageException(Text["TimeLimitInvalid", limit]);
            }

            string connectionString = await connection.OpenAsync(parseResult, context, cancellationToken).ConfigureAwait(false);
            bool dry = parseResult.GetValue(dryRun);
            ProcedureOutcome outcome = await MaintenanceStore.RunAsync(
                connectionString, slotValue, parseResult.GetValue(databases) ?? "ALL", limit, dry, context.Out, cancellationToken)
                .ConfigureAwait(false);
            int exitCode = ProcedureCall.ExitCode(outcome);
            if (exitCode == ExitCodes.BadInput)
            {
                return exitCode;
            }

            bool filesFailed = await CleanFilesAsync(connectionString, slotValue, dry, context, cancellationToken).ConfigureAwait(false);
            return filesFailed && exitCode == ExitCodes.Success ? ExitCodes.ProcessingErrors : exitCode;
        });
        return command;
    }

    private static Command Schedule(CliContext context)
    {
        var connection = new ConnectionOptions();
        var agent = new Option<bool>("--agent") { Description = Text["AgentOption"] };
        var windows = new Option<bool>("--windows") { Description = Text["WindowsOption"] };
        var output = new Option<string?>("--output", "-o") { Description = Text["OutputOption"], HelpName = "FILE" };
        var outputDir = new Option<string?>("--output-dir") { Description = Text["OutputDirOption"], HelpName = "DIR" };
        var account = new Option<string?>("--account") { Description = Text["AccountOption"], HelpName = Text["AccountHelpName"] };
        var crmdb = new Option<string>("--crmdb") { Description = Text["CrmdbOption"], HelpName = "PATH", DefaultValueFactory = _ => "crmdb" };
        var create = new Option<bool>("--create") { Description = Text["CreateOption"] };
        var command = new Command("schedule", Text["ScheduleDescription"]) { agent, windows, output, outputDir, account, crmdb, create };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            bool isAgent = parseResult.GetValue(agent);
            bool isWindows = parseResult.GetValue(windows);
            if (isAgent == isWindows)
            {
                throw new UsageException(Text["AgentOrWindows"]);
            }

            string? connectionString = connection.Find(parseResult, context);
            var target = connectionString is null ? null : new SqlConnectionStringBuilder(connectionString);
            // The Agent script needs only the database name: -d alone is enough, no server is asked.
            string? named = target?.InitialCatalog is { Length: > 0 } catalog ? catalog : parseResult.GetValue(connection.Database)?.Trim();
            string database = string.IsNullOrEmpty(named) ? throw new UsageException(Text["DatabaseMissing"]) : named;
            string? accountValue = parseResult.GetValue(account);

            if (isAgent)
            {
                string file = parseResult.GetValue(output) ?? throw new UsageException(Text["OutputMissing"]);
                string script = AgentJobScript.Build(database, accountValue);
                string path = Write(file, Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(script)).ToArray());
                await context.Out.WriteLineAsync(Text["AgentWritten", path, database]).ConfigureAwait(false);
                if (parseResult.GetValue(create))
                {
                    string reachable = connectionString ?? throw new UsageException(Text["ServerMissing"]);
                    await Connection.ProbeAsync(reachable, cancellationToken).ConfigureAwait(false);
                    await MaintenanceStore.ApplyAsync(reachable, script, context.Out, cancellationToken).ConfigureAwait(false);
                    await context.Out.WriteLineAsync(Text["AgentCreated", MaintenanceSlot.All.Count]).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }

            string folder = parseResult.GetValue(outputDir) ?? throw new UsageException(Text["OutputDirMissing"]);
            string server = target?.DataSource is { Length: > 0 } source ? source : throw new UsageException(Text["ServerMissing"]);
            if (string.IsNullOrWhiteSpace(accountValue))
            {
                throw new UsageException(Text["AccountMissing"]);
            }

            if (parseResult.GetValue(create))
            {
                throw new UsageException(Text["CreateAgentOnly"]);
            }

            var lines = new List<string>();
            foreach (SlotSchedule schedule in MaintenanceSchedule.Default)
            {
                var document = WindowsTaskFile.Build(schedule, server, database, accountValue, parseResult.GetValue(crmdb) ?? "crmdb");
                string path = Write(Path.Combine(folder, WindowsTaskFile.FileName(schedule.Slot)), WindowsTaskFile.Serialize(document));
                lines.Add(WindowsTaskFile.SchtasksLine(path, database, schedule.Slot, accountValue));
            }

            string register = Write(Path.Combine(folder, "crmdb-maintenance-schtasks.cmd"), Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n"));
            await context.Out.WriteLineAsync(Text["WindowsWritten", MaintenanceSlot.All.Count, Path.GetFullPath(folder), accountValue]).ConfigureAwait(false);
            foreach (string line in lines)
            {
                await context.Out.WriteLineAsync("  " + line).ConfigureAwait(false);
            }

            await context.Out.WriteLineAsync(Text["WindowsRegister", register]).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The backup files a CLEANUP row leaves to crmdb (AllowXpDeleteFile = 0), when this machine
    /// reaches the folder: each deletion (or, in a dry run, each file that would go) is printed and
    /// journaled as CLEANUP_FILES. True when a deletion failed.
    /// </summary>
    private static async Task<bool> CleanFilesAsync(string connectionString, string slot, bool dryRun, CliContext context, CancellationToken cancellationToken)
    {
        BackupFileCleanupSettings? settings = await BackupFileCleanupStore.ReadAsync(connectionString, slot, cancellationToken).ConfigureAwait(false);
        if (settings is null)
        {
            return false;
        }

        async Task Journal(string? command, string outcome, string message, string? error = null)
        {
            await context.Out.WriteLineAsync(message).ConfigureAwait(false);
            await BackupFileCleanupStore.JournalAsync(connectionString, settings, slot, command, outcome, message, error, cancellationToken).ConfigureAwait(false);
        }

        if (settings.Directory is null || !Directory.Exists(settings.Directory))
        {
            await Journal(null, "Skipped", Text["FilesUnreachable", settings.Directory ?? "?"]).ConfigureAwait(false);
            return false;
        }

        DateTime cutoff = MaintenanceDecisions.FileCutoff(settings.NowUtc, settings.RetentionDays, [settings.OldestBaseUtc]);
        var chosen = BackupFileCleanup.Select(BackupFileCleanup.Read(settings.Directory), cutoff);
        if (chosen.Count == 0)
        {
            await Journal(null, "Skipped", Text["FilesNone", settings.Directory, cutoff.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)]).ConfigureAwait(false);
            return false;
        }

        bool failed = false;
        foreach (BackupFileCandidate file in chosen)
        {
            string command = "-- crmdb maintenance run: File.Delete " + file.Path;
            if (dryRun)
            {
                await Journal(command, "NotExecuted", Text["FileWouldDelete", file.Path]).ConfigureAwait(false);
                continue;
            }

            try
            {
                File.Delete(file.Path);
                await Journal(command, "Succeeded", Text["FileDeleted", file.Path]).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failed = true;
                await Journal(command, "Failed", Text["FileDeleteFailed", file.Path, ex.Message], ex.Message).ConfigureAwait(false);
            }
        }

        return failed;
    }

    /// <summary>The plan as a table: slot, task, enabled, order, options.</summary>
    internal static string Describe(IEnumerable<MaintenancePlanRow> rows)
    {
        var lines = new List<string> { Text["PlanHeading"] };
        foreach (MaintenancePlanRow row in rows)
        {
            lines.Add(Text["PlanRow", row.Slot, row.Task, row.IsEnabled ? Text["Yes"] : Text["No"], row.RunOrder, Options(row)]);
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// What the slots would decide for the CRM database now (the C# mirror of dbo.MC_maintenance's
    /// decision table): every skip and replacement with its reason.
    /// </summary>
    internal static string Explain(IReadOnlyList<MaintenancePlanRow> rows, DatabaseFacts facts, int engineEdition, DateTime now)
    {
        int weekday = MaintenanceDecisions.IsoWeekday(now.DayOfWeek);
        bool fullTonight = MaintenanceDecisions.FullTonight(weekday, MaintenanceSchedule.FullBackupWeekday, rows);
        var lines = new List<string>
        {
            Text["ExplainHeading", facts.Name, facts.RecoveryModel, facts.HasDifferentialBase ? Text["Yes"] : Text["No"], engineEdition,
                MaintenanceDecisions.HasOnlineRebuild(engineEdition) ? Text["Yes"] : Text["No"]],
        };
        foreach (MaintenancePlanRow row in rows)
        {
            MaintenanceDecision decision = MaintenanceDecisions.Decide(row, facts, fullTonight && row.Slot == MaintenanceSlot.Nightly);
            string what = decision.Kind switch
            {
                DecisionKind.Run => Text["DecisionRun"],
                DecisionKind.RunAsFull => Text["DecisionRunAsFull"],
                _ => Text["DecisionSkip"],
            };
            lines.Add(Text["ExplainRow", row.Slot, row.Task, what, decision.Reason == DecisionReason.None ? string.Empty : Text["Reason" + decision.Reason]]);
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Options(MaintenancePlanRow row)
    {
        var parts = new List<string>();
        if (row.Task is MaintenanceTask.IndexReorganize or MaintenanceTask.IndexRebuild)
        {
            IndexThresholds t = row.Thresholds;
            parts.Add(Text["OptionThresholds", t.FragmentationLow, t.FragmentationHigh, t.MinPageCount.ToString("N0", CultureInfo.CurrentUICulture)]);
        }

        if (row.Task == MaintenanceTask.Cleanup)
        {
            parts.Add(Text["OptionRetention", row.RetentionDays ?? MaintenancePlanRow.DefaultRetentionDays]);
            parts.Add(row.AllowXpDeleteFile ? Text["OptionXpDeleteFile"] : Text["OptionFilesByCrmdb"]);
        }

        if (row.BackupDirectory is not null)
        {
            parts.Add(Text["OptionDirectory", row.BackupDirectory]);
        }

        if (row.Task == MaintenanceTask.Shrink)
        {
            parts.Add(Text["OptionShrinkWarning"]);
        }

        return string.Join(" ; ", parts);
    }

    private static Option<string?> SlotOption() =>
        new("--slot") { Description = Text["SlotOption"], HelpName = string.Join('|', MaintenanceSlot.All) };

    private static string RequireSlot(string? slot)
    {
        if (slot is null)
        {
            throw new UsageException(Text["SlotMissing"]);
        }

        return MaintenanceSlot.IsValid(slot) ? slot : throw new UsageException(Text["SlotInvalid", slot]);
    }

    private static string Write(string file, byte[] bytes)
    {
        string path = Path.GetFullPath(file);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException(Text["FileError", path, ex.Message]);
        }
    }
}
