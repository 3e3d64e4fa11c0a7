using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Backup;

/// <summary>
/// crmdb's rows in dbo.MC_MaintenanceLog, the journal dbo.MC_maintenanceexecute also writes (same
/// columns, same tasks and outcomes). A database without the table (a CRM before its first CrmDb
/// publish) has no journal: <see cref="Available"/> is false and nothing is written.
/// </summary>
public sealed class MaintenanceJournal
{
    private readonly SqlConnection? connection;

    private MaintenanceJournal(SqlConnection? connection) => this.connection = connection;

    /// <summary>True when the database holds dbo.MC_MaintenanceLog.</summary>
    public bool Available => connection is not null;

    /// <summary>The journal of the database <paramref name="connection"/> is in (none when it has no table).</summary>
    public static MaintenanceJournal Open(SqlConnection connection)
    {
        using var command = new SqlCommand("SELECT OBJECT_ID(N'dbo.MC_MaintenanceLog', N'U');", connection);
        return new MaintenanceJournal(command.ExecuteScalar() is DBNull or null ? null : connection);
    }

    /// <summary>A journal that writes nothing (a dry run).</summary>
    public static MaintenanceJournal None() => new(null);

    /// <summary>Starts a row (Running, or Skipped when <paramref name="skipped"/>); its LogID, or null without a journal.</summary>
    public long? Start(Guid runId, string database, string task, string label, string? command, string? message, bool skipped = false)
    {
        if (connection is null)
        {
            return null;
        }

        const string Sql = """
            INSERT dbo.MC_MaintenanceLog (RunID, DatabaseName, Task, PairLabel, Command, Outcome, Message, EndTime)
            OUTPUT inserted.LogID
            VALUES (@RunID, @DatabaseName, @Task, @PairLabel, @Command, @Outcome, @Message, CASE WHEN @Outcome = 'Skipped' THEN SYSDATETIME() END);
            """;
        using var insert = new SqlCommand(Sql, connection);
        insert.Parameters.AddWithValue("@RunID", runId);
        insert.Parameters.AddWithValue("@DatabaseName", database);
        insert.Parameters.AddWithValue("@Task", task);
        insert.Parameters.AddWithValue("@PairLabel", label);
        insert.Parameters.AddWithValue("@Command", (object?)command ?? DBNull.Value);
        insert.Parameters.AddWithValue("@Outcome", skipped ? "Skipped" : "Running");
        insert.Parameters.AddWithValue("@Message", message is null ? DBNull.Value : message.Length > 4000 ? message[..4000] : message);
        return (long)insert.ExecuteScalar();
    }

    /// <summary>Closes a row: Succeeded, or Failed with the error.</summary>
    public void End(long? logId, SqlException? error)
    {
        if (connection is null || logId is null)
        {
            return;
        }

        using var update = new SqlCommand(
            "UPDATE dbo.MC_MaintenanceLog SET EndTime = SYSDATETIME(), Outcome = @Outcome, ErrorNumber = @ErrorNumber, ErrorMessage = @ErrorMessage WHERE LogID = @LogID;",
            connection);
        update.Parameters.AddWithValue("@Outcome", error is null ? "Succeeded" : "Failed");
        update.Parameters.AddWithValue("@ErrorNumber", error is null ? DBNull.Value : error.Number);
        string? text = error?.Message;
        update.Parameters.AddWithValue("@ErrorMessage", text is null ? DBNull.Value : text.Length > 4000 ? text[..4000] : text);
        update.Parameters.AddWithValue("@LogID", logId.Value);
        update.ExecuteNonQuery();
    }

    /// <summary>Writes a finished row (a restore journals in the database it restored, once it is there).</summary>
    public void Record(Guid runId, string database, string task, string label, string command, DateTime start, DateTime end, SqlException? error)
    {
        if (connection is null)
        {
            return;
        }

        const string Sql = """
            INSERT dbo.MC_MaintenanceLog (RunID, DatabaseName, Task, PairLabel, Command, StartTime, EndTime, Outcome, ErrorNumber, ErrorMessage)
            VALUES (@RunID, @DatabaseName, @Task, @PairLabel, @Command, @StartTime, @EndTime, @Outcome, @ErrorNumber, @ErrorMessage);
            """;
        using var insert = new SqlCommand(Sql, connection);
        insert.Parameters.AddWithValue("@RunID", runId);
        insert.Parameters.AddWithValue("@DatabaseName", database);
        insert.Parameters.AddWithValue("@Task", task);
        insert.Parameters.AddWithValue("@PairLabel", label);
        insert.Parameters.AddWithValue("@Command", command);
        insert.Parameters.AddWithValue("@StartTime", start);
        insert.Parameters.AddWithValue("@EndTime", end);
        insert.Parameters.AddWithValue("@Outcome", error is null ? "Succeeded" : "Failed");
        insert.Parameters.AddWithValue("@ErrorNumber", error is null ? DBNull.Value : error.Number);
        string? text = error?.Message;
        insert.Parameters.AddWithValue("@ErrorMessage", text is null ? DBNull.Value : text.Length > 4000 ? text[..4000] : text);
        insert.ExecuteNonQuery();
    }
}
