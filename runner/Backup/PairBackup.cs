using CrmDb.Clr;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Backup;

/// <summary>What crmdb backup (and --backup-first) asks for.</summary>
public sealed record PairBackupRequest
{
    /// <summary>The CRM connection (its database is the CRM).</summary>
    public required string CrmConnectionString { get; init; }

    /// <summary>The instance of a GesCom that is not on the CRM's instance, or null.</summary>
    public string? GesComConnectionString { get; init; }

    /// <summary>Only this integration's GesCom (and the CRM); null: every active integration.</summary>
    public int? Integration { get; init; }

    /// <summary>FULL, DIFF or LOG.</summary>
    public BackupType Type { get; init; } = BackupType.Full;

    /// <summary>COPY_ONLY: the differential base stays as it was.</summary>
    public bool CopyOnly { get; init; }

    /// <summary>The folder as the server sees it; null: the instance's default backup folder.</summary>
    public string? Directory { get; init; }

    /// <summary>Print the statements, take no lock, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Seconds to wait for each cycle lock.</summary>
    public int LockTimeoutSeconds { get; init; } = 60;
}

/// <summary>The outcome: the label, the files, the exit code (0, 1 a backup or verify failed, 2 a cycle lock refused).</summary>
public sealed record PairBackupResult(string Label, int ExitCode, IReadOnlyList<string> Files);

/// <summary>
/// A pair backup from crmdb: the CRM and the GesCom databases of its integrations, on the CRM's
/// instance and, with --gescom-connection, on GesCom's own instance; one label; the cycle locks
/// held on the CRM session for the whole pair; each backup verified and journaled in the CRM's
/// dbo.MC_MaintenanceLog. Statements run with parameters (<see cref="SqlStatementRunner"/>).
/// </summary>
public sealed class PairBackup(CliContext context, TimeProvider time)
{
    private static readonly Localizer Text = new("Backup");

    private sealed record Member(string Database, string Role, bool Remote, string Integrations);

    /// <summary>Takes the pair.</summary>
    public PairBackupResult Run(PairBackupRequest request)
    {
        using var crm = new SqlConnection(request.CrmConnectionString);
        crm.Open();
        var crmFacts = ServerFacts.Read(crm);
        var integrations = ReadIntegrations(crm, request.Integration);
        var members = new List<Member> { new(crmFacts.CurrentDatabase, "CRM", false, string.Empty) };
        foreach (var group in integrations
            .Where(i => !string.Equals(i.Database, crmFacts.CurrentDatabase, StringComparison.OrdinalIgnoreCase))
            .GroupBy(i => i.Database, StringComparer.OrdinalIgnoreCase))
        {
            bool remote = group.Any(i => !GesComLocation.Create(i.Server, i.Database, crmFacts.ServerName).IsLocal);
            members.Add(new Member(group.Key, "GESCOM", remote, string.Join(", ", group.Select(i => i.Id))));
        }

        var remoteMembers = members.Where(m => m.Remote).ToList();
        if (remoteMembers.Count > 0 && request.GesComConnectionString is null)
        {
            var first = remoteMembers[0];
            string server = integrations.First(i => string.Equals(i.Database, first.Database, StringComparison.OrdinalIgnoreCase)).Server;
            throw new UsageException(Text["GesComConnectionNeeded", first.Integrations, first.Database, server]);
        }

        if (remoteMembers.Count == 0 && request.GesComConnectionString is not null)
        {
            context.Error.WriteLine(Text["GesComConnectionUnused"]);
        }

        using var gescom = remoteMembers.Count > 0 ? new SqlConnection(request.GesComConnectionString) : null;
        gescom?.Open();
        var gescomFacts = gescom is null ? null : ServerFacts.Read(gescom);
        string crmDirectory = request.Directory ?? crmFacts.DefaultBackupPath ?? throw new UsageException(Text["DirectoryRequired", crmFacts.ServerName]);
        string? gescomDirectory = gescomFacts is null ? null
            : request.Directory ?? gescomFacts.DefaultBackupPath ?? throw new UsageException(Text["DirectoryRequired", gescomFacts.ServerName]);

        string label = FreeLabel(crm);
        var runId = Guid.NewGuid();
        context.Out.WriteLine(Text["PairStart", label, request.Type.Code() + (request.CopyOnly ? " COPY_ONLY" : string.Empty),
            string.Join(", ", members.Select(m => SqlName.Quote(m.Database))), crmFacts.ServerName]);

        var journal = request.DryRun ? MaintenanceJournal.None() : MaintenanceJournal.Open(crm);
        if (!request.DryRun && !journal.Available)
        {
            context.Out.WriteLine(Text["NoJournal", crmFacts.CurrentDatabase]);
        }

        CycleLocks? locks = null;
        var lockIds = integrations.Select(i => i.Id).ToList();
        if (!request.DryRun)
        {
            locks = CycleLocks.Take(crm, lockIds, request.LockTimeoutSeconds, out int refused);
            if (locks is null)
            {
                string? holder = CycleLocks.RunningCycle(crm, refused);
                string who = holder is null ? Text["CycleUnknown"] : Text["CycleHolder", holder.Split('|')];
                context.Error.WriteLine(Text["LockRefused", refused, who, CycleLocks.ResourceName(refused), request.LockTimeoutSeconds]);
                return new PairBackupResult(label, ExitCodes.BadInput, []);
            }
        }

        using (locks)
        {
            if (locks is not null && lockIds.Count > 0)
            {
                context.Out.WriteLine(Text["LocksHeld", string.Join(", ", lockIds.Select(CycleLocks.ResourceName))]);
            }

            var files = new List<string>();
            bool failed = false;
            foreach (var member in members)
            {
                var connection = member.Remote ? gescom! : crm;
                var facts = member.Remote ? gescomFacts! : crmFacts;
                string directory = member.Remote ? gescomDirectory! : crmDirectory;
                failed |= !BackUp(connection, facts, directory, member, request, label, runId, journal, files);
            }

            context.Out.WriteLine(failed
                ? Text["PairIncomplete", label, crmFacts.CurrentDatabase]
                : request.DryRun ? Text["PairDryRun", label] : Text["PairDone", label, crmDirectory]);
            return new PairBackupResult(label, failed ? ExitCodes.ProcessingErrors : ExitCodes.Success, files);
        }
    }

    // Two pairs in one second would share a label, and BACKUP would append to the first pair's files:
    // wait for the next second while msdb already knows the label (no right to read msdb: take it).
    private string FreeLabel(SqlConnection crm)
    {
        string label = PairLabel.From(time.GetUtcNow());
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using var command = new SqlCommand("SELECT COUNT(*) FROM msdb.dbo.backupset WHERE description = @Description;", crm);
                command.Parameters.AddWithValue("@Description", PairLabel.Description(label));
                if ((int)command.ExecuteScalar() == 0)
                {
                    return label;
                }
            }
            catch (SqlException)
            {
                return label;
            }

            Thread.Sleep(1000);
            label = PairLabel.From(time.GetUtcNow());
        }

        return label;
    }

    private bool BackUp(SqlConnection connection, ServerFacts facts, string directory, Member member, PairBackupRequest request, string label, Guid runId, MaintenanceJournal journal, List<string> files)
    {
        var state = DatabaseState(connection, member.Database);
        if (state is null)
        {
            string message = Text["DatabaseMissing", member.Database, facts.ServerName];
            context.Error.WriteLine(message);
            journal.Start(runId, member.Database, request.Type.Task(), label, null, message, skipped: true);
            return false;
        }

        BackupType type = request.Type;
        string? note = null;
        if (type == BackupType.Log && state.Value.Recovery == "SIMPLE")
        {
            // Decision 9: SIMPLE databases have no log backups; the plan skips them and says so.
            string message = Text["LogOnSimple", member.Database];
            context.Out.WriteLine(message);
            journal.Start(runId, member.Database, type.Task(), label, null, message, skipped: true);
            return true;
        }

        if (type == BackupType.Diff && !state.Value.HasDifferentialBase)
        {
            type = BackupType.Full;
            note = Text["DiffAsFull", member.Database];
            context.Out.WriteLine(note);
        }

        string file = BackupFileNames.FilePath(directory, BackupFileNames.FileName(label, facts.ServerName, member.Database, type));
        var backup = BackupStatements.Backup(member.Database, file, type, request.CopyOnly, facts.Compression, label);
        if (!Step(connection, journal, runId, member.Database, type.Task(), label, backup, note, request.DryRun))
        {
            return false;
        }

        files.Add(file);
        return Step(connection, journal, runId, member.Database, "VERIFY", label, BackupStatements.Verify(file), null, request.DryRun);
    }

    private bool Step(SqlConnection connection, MaintenanceJournal journal, Guid runId, string database, string task, string label, SqlStatement statement, string? note, bool dryRun)
    {
        context.Out.WriteLine(statement.Display);
        if (dryRun)
        {
            return true;
        }

        long? logId = journal.Start(runId, database, task, label, statement.Display, note);
        try
        {
            SqlStatementRunner.Execute(connection, statement);
            journal.End(logId, null);
            context.Out.WriteLine(Text["StepDone", task, database]);
            return true;
        }
        catch (SqlException ex)
        {
            journal.End(logId, ex);
            context.Error.WriteLine(Text["StepFailed", task, database, ex.Number, ex.Message.ReplaceLineEndings(" ")]);
            return false;
        }
    }

    private static (string Recovery, bool HasDifferentialBase)? DatabaseState(SqlConnection connection, string database)
    {
        const string Sql = """
            SELECT d.recovery_model_desc, CASE WHEN f.differential_base_lsn IS NULL THEN 0 ELSE 1 END
            FROM sys.databases AS d
            LEFT JOIN sys.master_files AS f ON f.database_id = d.database_id AND f.file_id = 1
            WHERE d.name = @Database;
            """;
        using var command = new SqlCommand(Sql, connection);
        command.Parameters.AddWithValue("@Database", database);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetInt32(1) == 1) : null;
    }

    private sealed record IntegrationLocation(int Id, string Server, string Database);

    private static List<IntegrationLocation> ReadIntegrations(SqlConnection crm, int? only)
    {
        const string Sql = """
            IF OBJECT_ID(N'dbo.MC_Integration', N'U') IS NOT NULL
                SELECT i.ErpIntegrationID, i.GesComServer, i.GesComDatabase
                FROM dbo.MC_Integration AS i
                WHERE (@Only IS NULL AND i.IsActive = 1) OR i.ErpIntegrationID = @Only
                ORDER BY i.ErpIntegrationID;
            """;
        using var command = new SqlCommand(Sql, crm);
        command.Parameters.Add(new SqlParameter("@Only", System.Data.SqlDbType.Int) { Value = (object?)only ?? DBNull.Value });
        var rows = new List<IntegrationLocation>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(new IntegrationLocation(reader.GetInt32(0), reader.GetString(1).Trim(), reader.GetString(2).Trim()));
            }
        }

        if (only is int id && rows.Count == 0)
        {
            throw new UsageException(Text["IntegrationUnknown", id]);
        }

        return rows;
    }
}
