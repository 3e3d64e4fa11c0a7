using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Autosync;

/// <summary>One row of dbo.MC_Integration.</summary>
public sealed record IntegrationRow(
    int ErpIntegrationID,
    string Name,
    string GesComServer,
    string GesComDatabase,
    bool IsActive,
    int? LastToken,
    string? LastStatus,
    DateTime? LastRunAt);

/// <summary>What crmdb integration set changes; null members stay as they are.</summary>
public sealed record IntegrationChange(string? Name, string? GesComServer, string? GesComDatabase, bool? IsActive, int? LastToken)
{
    /// <summary>True when nothing would change.</summary>
    public bool IsEmpty => Name is null && GesComServer is null && GesComDatabase is null && IsActive is null && LastToken is null;
}

/// <summary>Reads and writes dbo.MC_Integration with parameterised statements.</summary>
public sealed class IntegrationStore(string connectionString)
{
    /// <summary>Every integration, by identifier.</summary>
    public IReadOnlyList<IntegrationRow> List()
    {
        using var connection = Open();
        using var command = new SqlCommand(
            "SELECT ErpIntegrationID, Name, GesComServer, GesComDatabase, IsActive, LastToken, LastStatus, LastRunAt FROM dbo.MC_Integration ORDER BY ErpIntegrationID;",
            connection);
        using var reader = command.ExecuteReader();
        var rows = new List<IntegrationRow>();
        while (reader.Read())
        {
            rows.Add(new IntegrationRow(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetDateTime(7)));
        }

        return rows;
    }

    /// <summary>Adds an integration; false when its identifier is taken.</summary>
    public bool Add(int id, string name, string server, string database, bool isActive)
    {
        using var connection = Open();
        using var command = new SqlCommand(
            """
            INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase, IsActive)
            SELECT @id, @name, @server, @database, @active
            WHERE NOT EXISTS (SELECT 1 FROM dbo.MC_Integration WITH (UPDLOCK, HOLDLOCK) WHERE ErpIntegrationID = @id);
            """,
            connection);
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.Add("@name", System.Data.SqlDbType.NVarChar, 100).Value = name;
        command.Parameters.Add("@server", System.Data.SqlDbType.NVarChar, 128).Value = server;
        command.Parameters.Add("@database", System.Data.SqlDbType.NVarChar, 128).Value = database;
        command.Parameters.AddWithValue("@active", isActive);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Changes an integration; false when there is none with this identifier.</summary>
    public bool Set(int id, IntegrationChange change)
    {
        using var connection = Open();
        using var command = new SqlCommand(
            """
            UPDATE dbo.MC_Integration
            SET Name = ISNULL(@name, Name),
                GesComServer = ISNULL(@server, GesComServer),
                GesComDatabase = ISNULL(@database, GesComDatabase),
                IsActive = ISNULL(@active, IsActive),
                LastToken = ISNULL(@token, LastToken)
            WHERE ErpIntegrationID = @id;
            """,
            connection);
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.Add("@name", System.Data.SqlDbType.NVarChar, 100).Value = (object?)change.Name ?? DBNull.Value;
        command.Parameters.Add("@server", System.Data.SqlDbType.NVarChar, 128).Value = (object?)change.GesComServer ?? DBNull.Value;
        command.Parameters.Add("@database", System.Data.SqlDbType.NVarChar, 128).Value = (object?)change.GesComDatabase ?? DBNull.Value;
        command.Parameters.Add("@active", System.Data.SqlDbType.Bit).Value = (object?)change.IsActive ?? DBNull.Value;
        command.Parameters.Add("@token", System.Data.SqlDbType.Int).Value = (object?)change.LastToken ?? DBNull.Value;
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Removes an integration (its journal stays until purged); false when there is none.</summary>
    public bool Remove(int id)
    {
        using var connection = Open();
        using var command = new SqlCommand("DELETE dbo.MC_Integration WHERE ErpIntegrationID = @id;", connection);
        command.Parameters.AddWithValue("@id", id);
        return command.ExecuteNonQuery() == 1;
    }

    private SqlConnection Open()
    {
        var connection = new SqlConnection(connectionString);
        connection.Open();
        return connection;
    }
}
