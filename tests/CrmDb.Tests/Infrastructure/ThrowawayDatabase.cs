using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Infrastructure;

/// <summary>A database created for one engine test on the CRMDB_TEST_CONNECTION server, dropped after.</summary>
public sealed class ThrowawayDatabase : IDisposable
{
    private readonly string serverConnection;

    private ThrowawayDatabase(string serverConnection, string name)
    {
        this.serverConnection = serverConnection;
        Name = name;
        ConnectionString = new SqlConnectionStringBuilder(serverConnection) { InitialCatalog = name }.ConnectionString;
    }

    /// <summary>The database name (crmdb_test_...).</summary>
    public string Name { get; }

    /// <summary>A connection string to it.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a database on the test server, French_CI_AS unless told otherwise (a case-sensitive one, say).</summary>
    public static ThrowawayDatabase Create(string serverConnection, string collation = "French_CI_AS")
    {
        if (collation.Length == 0 || !collation.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException("A collation name is letters, digits and _: " + collation, nameof(collation));
        }

        var database = new ThrowawayDatabase(serverConnection, "crmdb_test_" + Guid.NewGuid().ToString("N")[..12]);
        database.ExecuteOnServer($"CREATE DATABASE [{database.Name}] COLLATE {collation}; ALTER DATABASE [{database.Name}] SET RECOVERY SIMPLE;");
        return database;
    }

    /// <summary>Runs <paramref name="sql"/> in the database; returns the first column of the first row.</summary>
    public object? Scalar(string sql)
    {
        using var connection = new SqlConnection(ConnectionString);
        connection.Open();
        using var command = new SqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    /// <summary>Runs <paramref name="sql"/> in the database.</summary>
    public void Execute(string sql)
    {
        using var connection = new SqlConnection(ConnectionString);
        connection.Open();
        using var command = new SqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqlConnection.ClearAllPools();
        ExecuteOnServer($"IF DB_ID(N'{Name}') IS NOT NULL BEGIN ALTER DATABASE [{Name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{Name}]; END;");
    }

    private void ExecuteOnServer(string sql)
    {
        using var connection = new SqlConnection(new SqlConnectionStringBuilder(serverConnection) { InitialCatalog = "master" }.ConnectionString);
        connection.Open();
        using var command = new SqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
