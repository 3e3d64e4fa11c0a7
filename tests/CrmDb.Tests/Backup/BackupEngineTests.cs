using CrmDb.Runner.Backup;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Backup;

/// <summary>
/// Paired backups and restores on a real SQL Server (CRMDB_TEST_CONNECTION; skipped otherwise).
/// The backup files are written to the instance's default backup folder (its data folder on SQL
/// Server 2017) and left there: a client cannot delete files on the server's disk; they are small.
/// </summary>
public sealed class BackupEngineTests
{
    [EngineFact]
    public void MC_backup_takes_a_verified_pair_whose_commands_are_crmdb_s_and_msdb_tells_the_pair_apart()
    {
        using var crm = CrmDbDeployment.Deploy();
        using var gescom = ThrowawayDatabase.Create(Engine.RequireConnection());
        crm.Execute($"INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'{gescom.Name}');");
        string directory = BackupDirectory(crm);

        string label = (string)crm.Scalar($"DECLARE @L char(15), @R int; EXEC @R = dbo.MC_backup @Type = 'FULL', @CopyOnly = 1, @Directory = N'{directory}', @PairLabel = @L OUTPUT; IF @R <> 0 THROW 50000, N'MC_backup returned non-zero', 1; SELECT @L;")!;

        Assert.Equal("4", Convert.ToString(crm.Scalar($"SELECT COUNT(*) FROM dbo.MC_MaintenanceLog WHERE PairLabel = '{label}' AND Outcome = 'Succeeded';"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("2", Convert.ToString(crm.Scalar($"SELECT COUNT(*) FROM msdb.dbo.backupset WHERE description = N'CrmDb pair {label}' AND is_copy_only = 1 AND has_backup_checksums = 1;"), System.Globalization.CultureInfo.InvariantCulture));
        var (server, compression) = Instance(crm);
        string file = BackupFileNames.FilePath(directory, BackupFileNames.FileName(label, server, crm.Name, BackupType.Full));
        Assert.Equal(
            BackupStatements.Backup(crm.Name, file, BackupType.Full, copyOnly: true, compression, label).Display,
            crm.Scalar($"SELECT Command FROM dbo.MC_MaintenanceLog WHERE PairLabel = '{label}' AND Task = 'BACKUP_FULL' AND DatabaseName = N'{crm.Name}';"));
    }

    [EngineFact]
    public void Crmdb_backup_waits_for_a_running_cycle_refuses_naming_it_then_takes_the_pair_once_it_ends()
    {
        using var crm = CrmDbDeployment.Deploy();
        using var gescom = ThrowawayDatabase.Create(Engine.RequireConnection());
        crm.Execute($"INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'{gescom.Name}');");
        string directory = BackupDirectory(crm);
        // Not pooled: closing it must end the session, and with it the cycle's Session-owned lock.
        using var cycle = new SqlConnection(new SqlConnectionStringBuilder(crm.ConnectionString) { Pooling = false }.ConnectionString);
        cycle.Open();
        using (var take = new SqlCommand("EXEC sys.sp_getapplock @Resource = N'CrmDb.MC_runautosync.1', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0;", cycle))
        {
            take.ExecuteNonQuery();
        }

        var refused = CliRunner.Run("backup", "--lock-timeout", "1", "--directory", directory, "--connection", crm.ConnectionString);
        cycle.Close();
        var taken = CliRunner.Run("backup", "--copy-only", "--directory", directory, "--connection", crm.ConnectionString);

        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("CrmDb.MC_runautosync.1", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Aucune sauvegarde n'a été prise", refused.Error, StringComparison.Ordinal);
        Assert.True(taken.ExitCode == ExitCodes.Success, taken.Out + taken.Error);
        Assert.Equal("4", Convert.ToString(crm.Scalar("SELECT COUNT(*) FROM dbo.MC_MaintenanceLog WHERE Outcome = 'Succeeded';"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0", Convert.ToString(crm.Scalar("SELECT COUNT(*) FROM dbo.MC_MaintenanceLog WHERE Outcome <> 'Succeeded';"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [EngineFact]
    public void A_pair_restores_as_a_copy_whose_integration_names_the_copied_GesCom_and_never_over_a_database_without_replace()
    {
        using var crm = CrmDbDeployment.Deploy();
        using var gescom = ThrowawayDatabase.Create(Engine.RequireConnection());
        crm.Execute($"INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'{gescom.Name}');");
        gescom.Execute("CREATE TABLE dbo.F_COMPTET (CT_Num varchar(17) NOT NULL PRIMARY KEY); INSERT dbo.F_COMPTET VALUES ('CL0001');");
        string directory = BackupDirectory(crm);
        var backup = CliRunner.Run("backup", "--directory", directory, "--connection", crm.ConnectionString);
        Assert.True(backup.ExitCode == ExitCodes.Success, backup.Out + backup.Error);
        string label = (string)crm.Scalar("SELECT MAX(PairLabel) FROM dbo.MC_MaintenanceLog;")!;
        string crmCopy = "crmdb_test_" + Guid.NewGuid().ToString("N")[..12];
        string gescomCopy = "crmdb_test_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            var refused = CliRunner.Run("restore", "--pair", label, "--from", directory, "--connection", crm.ConnectionString);
            var copied = CliRunner.Run("restore", "--pair", label, "--from", directory, "--as", crmCopy + "," + gescomCopy, "--connection", crm.ConnectionString);

            Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
            Assert.Contains("existent déjà", refused.Error, StringComparison.Ordinal);
            Assert.True(copied.ExitCode == ExitCodes.Success, copied.Out + copied.Error);
            Assert.Contains("re-pointez la fiche intégration de Sage", copied.Out, StringComparison.Ordinal);
            using var copy = new SqlConnection(new SqlConnectionStringBuilder(crm.ConnectionString) { InitialCatalog = crmCopy }.ConnectionString);
            copy.Open();
            Assert.Equal(gescomCopy, new SqlCommand("SELECT GesComDatabase FROM dbo.MC_Integration WHERE ErpIntegrationID = 1;", copy).ExecuteScalar());
            Assert.Equal("4", Convert.ToString(new SqlCommand($"SELECT COUNT(*) FROM dbo.MC_MaintenanceLog WHERE PairLabel = '{label}' AND Task IN ('VERIFY', 'RESTORE') AND Outcome = 'Succeeded' AND LogID > (SELECT MAX(LogID) - 4 FROM dbo.MC_MaintenanceLog);", copy).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("CL0001", new SqlCommand($"SELECT CT_Num FROM [{gescomCopy}].dbo.F_COMPTET;", copy).ExecuteScalar());
        }
        finally
        {
            SqlConnection.ClearAllPools();
            Drop(crm, crmCopy);
            Drop(crm, gescomCopy);
        }
    }

    [EngineFact]
    public void Publish_with_backup_first_takes_a_copy_only_pair_and_names_its_label()
    {
        using var crm = CrmDbDeployment.Deploy();
        string directory = BackupDirectory(crm);

        var published = CliRunner.RunWithEnvironment(
            new Dictionary<string, string?> { [BackupFirst.DirectoryVariable] = directory },
            "publish", "--backup-first", "--connection", crm.ConnectionString, "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--output-dir", Path.Combine(Path.GetTempPath(), "crmdb-publish-" + Guid.NewGuid().ToString("N")));

        Assert.True(published.ExitCode == ExitCodes.Success, published.Out + published.Error);
        string label = (string)crm.Scalar("SELECT MAX(PairLabel) FROM dbo.MC_MaintenanceLog WHERE Task = 'BACKUP_FULL';")!;
        Assert.Contains("Sauvegarde préalable : paire " + label, published.Out, StringComparison.Ordinal);
        Assert.Equal(true, crm.Scalar($"SELECT TOP (1) is_copy_only FROM msdb.dbo.backupset WHERE description = N'CrmDb pair {label}';"));
    }

    [EngineFact]
    public void Run_with_backup_first_names_the_pair_in_the_log_header_before_its_batches_run()
    {
        using var crm = CrmDbDeployment.Deploy();
        string directory = BackupDirectory(crm);
        string work = Directory.CreateTempSubdirectory("crmdb-backup-first-").FullName;
        try
        {
            string script = Path.Combine(work, "a.sql");
            File.WriteAllText(script, "CREATE TABLE dbo.AfterBackup (ID int);");

            var run = CliRunner.RunWithEnvironment(
                new Dictionary<string, string?> { [BackupFirst.DirectoryVariable] = directory },
                "run", "CRMPLUS", script, "--backup-first", "--connection", crm.ConnectionString, "--log-dir", work);

            Assert.True(run.ExitCode == ExitCodes.Success, run.Out + run.Error);
            string label = (string)crm.Scalar("SELECT MAX(PairLabel) FROM dbo.MC_MaintenanceLog WHERE Task = 'BACKUP_FULL';")!;
            string log = File.ReadAllText(Directory.GetFiles(work, "*bachsql_CRMPLUS.log").Single());
            Assert.Contains("--backup-first " + label, log, StringComparison.Ordinal);
            // The backup came first: its journal row ended before the batch created its table.
            Assert.Equal(1, crm.Scalar($"SELECT CASE WHEN MAX(EndTime) <= (SELECT create_date FROM sys.tables WHERE name = N'AfterBackup') THEN 1 ELSE 0 END FROM dbo.MC_MaintenanceLog WHERE PairLabel = '{label}';"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string BackupDirectory(ThrowawayDatabase database) =>
        (string)database.Scalar("SELECT CONVERT(nvarchar(1024), ISNULL(SERVERPROPERTY('InstanceDefaultBackupPath'), SERVERPROPERTY('InstanceDefaultDataPath')));")!;

    private static (string Server, bool Compression) Instance(ThrowawayDatabase database) =>
        ((string)database.Scalar("SELECT CONVERT(nvarchar(128), SERVERPROPERTY('ServerName'));")!,
         BackupCompression.Supported(
             Convert.ToInt32(database.Scalar("SELECT CONVERT(int, SERVERPROPERTY('EngineEdition'));"), System.Globalization.CultureInfo.InvariantCulture),
             (string?)database.Scalar("SELECT CONVERT(nvarchar(128), SERVERPROPERTY('Edition'));")));

    private static void Drop(ThrowawayDatabase anyDatabase, string name) =>
        anyDatabase.Scalar($"USE master; IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END;");
}
