using CrmDb.Clr;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Backup;

/// <summary>What crmdb restore asks for.</summary>
public sealed record PairRestoreRequest
{
    /// <summary>A connection to the instance; its database names the pair's CRM (it may not exist any more).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The pair (yyyyMMdd_HHmmss).</summary>
    public required string Label { get; init; }

    /// <summary>The folder holding the files, as the server sees it; null: msdb's record of the pair, else the default backup folder.</summary>
    public string? From { get; init; }

    /// <summary>Overwrite a database that exists.</summary>
    public bool Replace { get; init; }

    /// <summary>--as NEW_CRM,NEW_GESCOM: restore a copy under these names.</summary>
    public string? AsCrm { get; init; }

    /// <summary>The copy's GesCom name (with <see cref="AsCrm"/>).</summary>
    public string? AsGesCom { get; init; }

    /// <summary>Data files' folder; null: SERVERPROPERTY('InstanceDefaultDataPath').</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Log files' folder; null: SERVERPROPERTY('InstanceDefaultLogPath').</summary>
    public string? LogDirectory { get; init; }
}

/// <summary>
/// Restores a pair on the CRM's instance: every file of the pair found and verified (RESTORE
/// VERIFYONLY WITH CHECKSUM) before anything is restored; then each database restored WITH MOVE
/// (RESTORE FILELISTONLY tells the logical files). A copy (--as) gets its own file names, and its
/// CrmDb integration record (dbo.MC_Integration) is pointed at the copied GesCom; Sage's own
/// integration record is Sage's: the French steps to re-point it are printed.
/// </summary>
public sealed class PairRestore(CliContext context)
{
    private static readonly Localizer Text = new("Backup");

    private sealed record PairFile(string Path, string SourceDatabase, bool IsCrm)
    {
        public string Target { get; set; } = SourceDatabase;
    }

    private sealed record Done(string Database, string Task, string Command, DateTime Start, DateTime End, SqlException? Error);

    /// <summary>Restores the pair; returns the exit code.</summary>
    public int Run(PairRestoreRequest request)
    {
        if (!PairLabel.IsValid(request.Label))
        {
            throw new UsageException(Text["LabelInvalid", request.Label]);
        }

        string crmName = Connection.DatabaseName(request.ConnectionString);
        var builder = new SqlConnectionStringBuilder(request.ConnectionString) { InitialCatalog = "master" };
        using var master = new SqlConnection(builder.ConnectionString);
        master.Open();
        var facts = ServerFacts.Read(master);

        var files = FindFiles(master, facts, crmName, request);
        var crmFile = files.FirstOrDefault(f => f.IsCrm) ?? throw new UsageException(Text["CrmFileMissing", crmName, request.Label]);
        var gescomFiles = files.Where(f => !f.IsCrm).ToList();
        if (request.AsCrm is not null)
        {
            if (gescomFiles.Count != 1)
            {
                throw new UsageException(Text["AsNeedsOneGesCom", gescomFiles.Count]);
            }

            crmFile.Target = request.AsCrm;
            gescomFiles[0].Target = request.AsGesCom!;
            if (files.Any(f => string.Equals(f.Target, f.SourceDatabase, StringComparison.OrdinalIgnoreCase)))
            {
                throw new UsageException(Text["AsSameName"]);
            }
        }

        var existing = files.Where(f => Exists(master, f.Target)).Select(f => f.Target).ToList();
        if (existing.Count > 0 && !request.Replace)
        {
            throw new UsageException(Text["TargetExists", string.Join(", ", existing)]);
        }

        string dataDirectory = request.DataDirectory ?? facts.DefaultDataPath ?? throw new UsageException(Text["DataDirRequired"]);
        string logDirectory = request.LogDirectory ?? facts.DefaultLogPath ?? throw new UsageException(Text["DataDirRequired"]);

        // Every file is verified before anything is restored: a pair is restored whole or not at all.
        var done = new List<Done>();
        foreach (var file in files)
        {
            if (!Step(master, file.SourceDatabase, "VERIFY", BackupStatements.Verify(file.Path), done))
            {
                context.Error.WriteLine(Text["VerifyFailedNothingRestored", request.Label]);
                return ExitCodes.ProcessingErrors;
            }
        }

        bool failed = false;
        SqlConnection.ClearAllPools();   // crmdb's own pooled sessions in a database to replace would hold it.
        foreach (var file in files.OrderBy(f => f.IsCrm))
        {
            var entries = SqlStatementRunner.Rows(master, BackupStatements.FileList(file.Path))
                .Select(r => new BackupFileEntry((string)r["LogicalName"]!, (string)r["Type"]!, Convert.ToInt64(r["FileId"], System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();
            var moves = RestorePlacement.Moves(file.Target, entries, dataDirectory, logDirectory);
            bool exists = existing.Contains(file.Target, StringComparer.OrdinalIgnoreCase);
            if (exists)
            {
                // RESTORE ... REPLACE needs the database to itself.
                using var single = new SqlCommand($"ALTER DATABASE {SqlName.Quote(file.Target)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE;", master);
                single.ExecuteNonQuery();
            }

            failed |= !Step(master, file.Target, "RESTORE", BackupStatements.Restore(file.Target, file.Path, moves, exists), done);
        }

        if (!failed && request.AsCrm is not null)
        {
            RepointCopy(request, crmFile, gescomFiles[0]);
        }

        Journal(request, crmFile, done);
        context.Out.WriteLine(failed ? Text["RestoreFailed", request.Label] : Text["RestoreDone", request.Label, string.Join(", ", files.Select(f => SqlName.Quote(f.Target)))]);
        return failed ? ExitCodes.ProcessingErrors : ExitCodes.Success;
    }

    private List<PairFile> FindFiles(SqlConnection master, ServerFacts facts, string crmName, PairRestoreRequest request)
    {
        string description = PairLabel.Description(request.Label);
        var paths = new List<string>();

        // msdb remembers where the pair's files were written (its history may have been purged: the files are the truth).
        const string History = """
            SELECT DISTINCT f.physical_device_name
            FROM msdb.dbo.backupset AS s
            JOIN msdb.dbo.backupmediafamily AS f ON f.media_set_id = s.media_set_id
            WHERE s.description = @Description AND s.type = 'D';
            """;
        using (var command = new SqlCommand(History, master))
        {
            command.Parameters.AddWithValue("@Description", description);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                string path = reader.GetString(0);
                paths.Add(request.From is null ? path : BackupFileNames.FilePath(request.From, FileNameOf(path)));
            }
        }

        // The names the pair's files must have: the CRM's, and the GesCom of each of its active integrations.
        string? directory = request.From ?? facts.DefaultBackupPath;
        if (directory is not null)
        {
            paths.Add(BackupFileNames.FilePath(directory, BackupFileNames.FileName(request.Label, facts.ServerName, crmName, BackupType.Full)));
            foreach (string gescom in LocalGesComDatabases(request.ConnectionString, crmName, facts.ServerName))
            {
                paths.Add(BackupFileNames.FilePath(directory, BackupFileNames.FileName(request.Label, facts.ServerName, gescom, BackupType.Full)));
            }
        }
        else if (paths.Count == 0)
        {
            throw new UsageException(Text["FromRequired", request.Label]);
        }

        var files = new List<PairFile>();
        var missing = new List<string>();
        foreach (string path in paths.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                var header = SqlStatementRunner.Rows(master, BackupStatements.Header(path))
                    .FirstOrDefault(r => string.Equals(r["BackupDescription"] as string, description, StringComparison.Ordinal));
                if (header is null)
                {
                    missing.Add(Text["NotOfPair", path, request.Label]);
                    continue;
                }

                if (Convert.ToInt32(header["BackupType"], System.Globalization.CultureInfo.InvariantCulture) != 1)
                {
                    throw new UsageException(Text["NotFull", path]);
                }

                string database = (string)header["DatabaseName"]!;
                files.Add(new PairFile(path, database, string.Equals(database, crmName, StringComparison.OrdinalIgnoreCase)));
            }
            catch (SqlException ex)
            {
                missing.Add(Text["FileUnreadable", path, ex.Number, ex.Message.ReplaceLineEndings(" ")]);
            }
        }

        if (missing.Count > 0)
        {
            throw new UsageException(Text["PairFilesMissing", request.Label, string.Join(Environment.NewLine, missing)]);
        }

        return files;
    }

    private static string FileNameOf(string path)
    {
        int cut = Math.Max(path.LastIndexOf('\\'), path.LastIndexOf('/'));
        return cut < 0 ? path : path[(cut + 1)..];
    }

    private static List<string> LocalGesComDatabases(string connectionString, string crmName, string serverName)
    {
        var names = new List<string>();
        var builder = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = "master" };
        using var master = new SqlConnection(builder.ConnectionString);
        master.Open();
        if (!Exists(master, crmName))
        {
            return names;
        }

        using var crm = new SqlConnection(connectionString);
        crm.Open();
        using var command = new SqlCommand(
            "IF OBJECT_ID(N'dbo.MC_Integration', N'U') IS NOT NULL SELECT GesComServer, GesComDatabase FROM dbo.MC_Integration WHERE IsActive = 1;", crm);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string database = reader.GetString(1).Trim();
            if (GesComLocation.Create(reader.GetString(0), database, serverName).IsLocal && !string.Equals(database, crmName, StringComparison.OrdinalIgnoreCase))
            {
                names.Add(database);
            }
        }

        return names;
    }

    private static bool Exists(SqlConnection master, string database)
    {
        using var command = new SqlCommand("SELECT DB_ID(@Database);", master);
        command.Parameters.AddWithValue("@Database", database);
        return command.ExecuteScalar() is not (null or DBNull);
    }

    private bool Step(SqlConnection connection, string database, string task, SqlStatement statement, List<Done> done)
    {
        context.Out.WriteLine(statement.Display);
        DateTime start = DateTime.Now;
        try
        {
            SqlStatementRunner.Execute(connection, statement);
            done.Add(new Done(database, task, statement.Display, start, DateTime.Now, null));
            context.Out.WriteLine(Text["StepDone", task, database]);
            return true;
        }
        catch (SqlException ex)
        {
            done.Add(new Done(database, task, statement.Display, start, DateTime.Now, ex));
            context.Error.WriteLine(Text["StepFailed", task, database, ex.Number, ex.Message.ReplaceLineEndings(" ")]);
            return false;
        }
    }

    private void RepointCopy(PairRestoreRequest request, PairFile crm, PairFile gescom)
    {
        var builder = new SqlConnectionStringBuilder(request.ConnectionString) { InitialCatalog = crm.Target };
        using var copy = new SqlConnection(builder.ConnectionString);
        copy.Open();
        using var update = new SqlCommand(
            "IF OBJECT_ID(N'dbo.MC_Integration', N'U') IS NOT NULL UPDATE dbo.MC_Integration SET GesComDatabase = @New WHERE GesComDatabase = @Old;", copy);
        update.Parameters.AddWithValue("@New", gescom.Target);
        update.Parameters.AddWithValue("@Old", gescom.SourceDatabase);
        int rows = update.ExecuteNonQuery();
        context.Out.WriteLine(Text["CopyRepointed", crm.Target, Math.Max(rows, 0), gescom.SourceDatabase, gescom.Target]);
        context.Out.WriteLine(Text["SageSteps", crm.Target, gescom.SourceDatabase, gescom.Target]);
    }

    private void Journal(PairRestoreRequest request, PairFile crm, List<Done> done)
    {
        try
        {
            var builder = new SqlConnectionStringBuilder(request.ConnectionString) { InitialCatalog = crm.Target };
            using var connection = new SqlConnection(builder.ConnectionString);
            connection.Open();
            var journal = MaintenanceJournal.Open(connection);
            var runId = Guid.NewGuid();
            if (journal.Available)
            {
                // The CRM was backed up while its own backup row was Running: the restore proves that backup whole.
                using var settle = new SqlCommand(
                    "UPDATE dbo.MC_MaintenanceLog SET Outcome = 'Succeeded', Message = @Message WHERE PairLabel = @PairLabel AND Outcome = 'Running' AND Task LIKE 'BACKUP[_]%';",
                    connection);
                settle.Parameters.AddWithValue("@Message", Text["RunningRowSettled"]);
                settle.Parameters.AddWithValue("@PairLabel", request.Label);
                settle.ExecuteNonQuery();
            }

            foreach (var entry in done)
            {
                journal.Record(runId, entry.Database, entry.Task, request.Label, entry.Command, entry.Start, entry.End, entry.Error);
            }
        }
        catch (SqlException ex)
        {
            // The CRM was not restored (or cannot be opened): the console has every step.
            context.Error.WriteLine(Text["JournalUnavailable", crm.Target, ex.Message.ReplaceLineEndings(" ")]);
        }
    }
}
