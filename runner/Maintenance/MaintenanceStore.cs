using System.Data;
using CrmDb.Runner.Autosync;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Maintenance;

/// <summary>What crmdb maintenance reads from and runs in the CRM database.</summary>
public static class MaintenanceStore
{
    /// <summary>The rows of dbo.MC_MaintenancePlan, by slot then run order.</summary>
    public static async Task<IReadOnlyList<MaintenancePlanRow>> ReadPlanAsync(string connectionString, CancellationToken cancellationToken)
    {
        const string query = """
            SELECT p.Task, p.Slot, p.IsEnabled, p.RunOrder, p.FragmentationLow, p.FragmentationHigh, p.MinPageCount,
                   p.RetentionDays, p.BackupDirectory, p.AllowXpDeleteFile
            FROM dbo.MC_MaintenancePlan AS p
            ORDER BY CASE p.Slot WHEN 'hourly' THEN 1 WHEN 'nightly' THEN 2 WHEN 'weekly' THEN 3 ELSE 4 END, p.RunOrder, p.Task;
            """;
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(query, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<MaintenancePlanRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new MaintenancePlanRow(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetBoolean(2),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetByte(4),
                reader.IsDBNull(5) ? null : reader.GetByte(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetBoolean(9)));
        }

        return rows;
    }

    /// <summary>The CRM database's facts (sys.databases, sys.master_files) and the engine edition.</summary>
    public static async Task<(DatabaseFacts Database, int EngineEdition)> ReadFactsAsync(string connectionString, CancellationToken cancellationToken)
    {
        const string query = """
            SELECT d.name, d.recovery_model_desc, d.state_desc, d.is_read_only,
                   CASE WHEN mf.differential_base_lsn IS NOT NULL AND mf.differential_base_guid IS NOT NULL THEN 1 ELSE 0 END,
                   CONVERT(int, SERVERPROPERTY('EngineEdition'))
            FROM sys.databases AS d
            LEFT JOIN sys.master_files AS mf ON mf.database_id = d.database_id AND mf.file_id = 1
            WHERE d.database_id = DB_ID();
            """;
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(query, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var facts = new DatabaseFacts(reader.GetString(0), reader.GetString(1), reader.GetInt32(4) == 1, reader.GetString(2), reader.GetBoolean(3));
        return (facts, reader.GetInt32(5));
    }

    /// <summary>EXEC dbo.MC_maintenance for one slot, its messages streamed to <paramref name="output"/>.</summary>
    public static Task<ProcedureOutcome> RunAsync(
        string connectionString, string slot, string databases, int? timeLimitSeconds, bool dryRun, TextWriter output, CancellationToken cancellationToken) =>
        ProcedureCall.RunAsync(
            connectionString,
            "dbo.MC_maintenance",
            [
                new SqlParameter("@Slot", SqlDbType.VarChar, 10) { Value = slot },
                new SqlParameter("@Databases", SqlDbType.NVarChar, -1) { Value = databases },
                new SqlParameter("@TimeLimit", SqlDbType.Int) { Value = (object?)timeLimitSeconds ?? DBNull.Value },
                new SqlParameter("@Execute", SqlDbType.Char, 1) { Value = dryRun ? "N" : "Y" },
            ],
            [output],
            null,
            cancellationToken);

    /// <summary>Runs the SQL Agent script (one batch) on the connection.</summary>
    public static async Task ApplyAsync(string connectionString, string script, TextWriter output, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(connectionString);
        connection.InfoMessage += (_, e) => output.WriteLine(e.Message);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(script, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
