using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Backup;

/// <summary>
/// What a backup or a restore needs to know about an instance: its name, whether it compresses
/// backups, its default backup, data and log folders (SERVERPROPERTY; the backup folder only from
/// SQL Server 2019, NULL before), and the database the connection is in.
/// </summary>
public sealed record ServerFacts(string ServerName, bool Compression, string? DefaultBackupPath, string? DefaultDataPath, string? DefaultLogPath, string CurrentDatabase)
{
    /// <summary>Reads the facts on an open connection.</summary>
    public static ServerFacts Read(SqlConnection connection)
    {
        const string Sql = """
            SELECT CONVERT(nvarchar(128), SERVERPROPERTY('ServerName')),
                   CONVERT(int, SERVERPROPERTY('EngineEdition')),
                   CONVERT(nvarchar(128), SERVERPROPERTY('Edition')),
                   CONVERT(nvarchar(1024), SERVERPROPERTY('InstanceDefaultBackupPath')),
                   CONVERT(nvarchar(1024), SERVERPROPERTY('InstanceDefaultDataPath')),
                   CONVERT(nvarchar(1024), SERVERPROPERTY('InstanceDefaultLogPath')),
                   DB_NAME();
            """;
        using var command = new SqlCommand(Sql, connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        string? Text(int i) => reader.IsDBNull(i) || reader.GetString(i).Trim().Length == 0 ? null : reader.GetString(i).Trim();
        return new ServerFacts(
            Text(0) ?? string.Empty,
            BackupCompression.Supported(reader.IsDBNull(1) ? 0 : reader.GetInt32(1), Text(2)),
            Text(3),
            Text(4),
            Text(5),
            Text(6) ?? string.Empty);
    }
}
