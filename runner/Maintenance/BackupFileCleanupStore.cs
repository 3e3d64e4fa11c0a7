using System.Data;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Maintenance;

/// <summary>What the runner's file cleanup reads from the CRM database, and how it journals.</summary>
/// <param name="Directory">The backup folder (the row's, or the instance's default); null when neither is known.</param>
/// <param name="RetentionDays">The row's retention.</param>
/// <param name="OldestBaseUtc">The oldest differential base (newest full) of the instance's databases, UTC.</param>
/// <param name="NowUtc">The server's clock, UTC.</param>
/// <param name="RunID">The run MC_maintenance just journaled, to journal under it.</param>
public sealed record BackupFileCleanupSettings(string? Directory, int RetentionDays, DateTime? OldestBaseUtc, DateTime NowUtc, Guid? RunID);

/// <summary>Reads the cleanup row of a slot and journals the runner's deletions in dbo.MC_MaintenanceLog.</summary>
public static class BackupFileCleanupStore
{
    /// <summary>
    /// The settings when <paramref name="slot"/> holds an enabled CLEANUP row that leaves the files
    /// to crmdb (AllowXpDeleteFile = 0); null otherwise. Every database's base counts, not only the
    /// run's: a folder may hold other databases' backups, and keeping more is the safe side.
    /// </summary>
    public static async Task<BackupFileCleanupSettings?> ReadAsync(string connectionString, string slot, CancellationToken cancellationToken)
    {
        const string query = """
            SELECT ISNULL(p.BackupDirectory, CONVERT(nvarchar(260), SERVERPROPERTY('InstanceDefaultBackupPath'))), ISNULL(p.RetentionDays, 30),
                   (SELECT MIN(DATEADD(MINUTE, DATEDIFF(MINUTE, SYSDATETIME(), SYSUTCDATETIME()), mf.differential_base_time)) FROM sys.master_files AS mf WHERE mf.file_id = 1),
                   SYSUTCDATETIME(),
                   (SELECT TOP (1) l.RunID FROM dbo.MC_MaintenanceLog AS l WHERE l.Slot = @Slot ORDER BY l.LogID DESC)
            FROM dbo.MC_MaintenancePlan AS p
            WHERE p.Task = 'CLEANUP' AND p.Slot = @Slot AND p.IsEnabled = 1 AND p.AllowXpDeleteFile = 0;
            """;
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(query, connection);
        command.Parameters.Add(new SqlParameter("@Slot", SqlDbType.VarChar, 10) { Value = slot });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new BackupFileCleanupSettings(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.GetInt32(1),
            reader.IsDBNull(2) ? null : DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
            DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
            reader.IsDBNull(4) ? null : reader.GetGuid(4));
    }

    /// <summary>One journal row of the runner's cleanup (Task CLEANUP_FILES).</summary>
    public static async Task JournalAsync(
        string connectionString, BackupFileCleanupSettings settings, string slot, string? command, string outcome, string message, string? error,
        CancellationToken cancellationToken)
    {
        const string insert = """
            INSERT dbo.MC_MaintenanceLog (RunID, Task, Slot, Command, EndTime, Outcome, ErrorMessage, Message)
            VALUES (@RunID, 'CLEANUP_FILES', @Slot, @Command, SYSDATETIME(), @Outcome, @ErrorMessage, @Message);
            """;
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var sql = new SqlCommand(insert, connection);
        sql.Parameters.Add(new SqlParameter("@RunID", SqlDbType.UniqueIdentifier) { Value = (object?)settings.RunID ?? DBNull.Value });
        sql.Parameters.Add(new SqlParameter("@Slot", SqlDbType.VarChar, 10) { Value = slot });
        sql.Parameters.Add(new SqlParameter("@Command", SqlDbType.NVarChar, -1) { Value = (object?)command ?? DBNull.Value });
        sql.Parameters.Add(new SqlParameter("@Outcome", SqlDbType.VarChar, 12) { Value = outcome });
        sql.Parameters.Add(new SqlParameter("@ErrorMessage", SqlDbType.NVarChar, 4000) { Value = (object?)error ?? DBNull.Value });
        sql.Parameters.Add(new SqlParameter("@Message", SqlDbType.NVarChar, 4000) { Value = message });
        await sql.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
