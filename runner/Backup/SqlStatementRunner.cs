using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Backup;

/// <summary>Runs a <see cref="SqlStatement"/> on an open connection with its parameters (never its values written into the text).</summary>
public static class SqlStatementRunner
{
    /// <summary>Executes <paramref name="statement"/>; BACKUP and RESTORE take as long as they take (no command timeout).</summary>
    public static void Execute(SqlConnection connection, SqlStatement statement)
    {
        using var command = Command(connection, statement);
        command.ExecuteNonQuery();
    }

    /// <summary>Executes <paramref name="statement"/> and reads its rows, one dictionary per row keyed by column name.</summary>
    public static List<Dictionary<string, object?>> Rows(SqlConnection connection, SqlStatement statement)
    {
        using var command = Command(connection, statement);
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static SqlCommand Command(SqlConnection connection, SqlStatement statement)
    {
        var command = new SqlCommand(statement.Text, connection) { CommandTimeout = 0 };
        foreach (var parameter in statement.Parameters)
        {
            command.Parameters.Add(new SqlParameter(parameter.Key, System.Data.SqlDbType.NVarChar, -1) { Value = parameter.Value });
        }

        return command;
    }
}
