using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Cli;

/// <summary>Where the connection string comes from: --connection, else CRMDB_CONNECTION.</summary>
public static class Connection
{
    /// <summary>The environment variable read when --connection is absent.</summary>
    public const string EnvironmentVariable = "CRMDB_CONNECTION";

    private static readonly Localizer Text = new("Common");

    /// <summary>The configured connection string, or null when none is given anywhere.</summary>
    public static string? Find(string? option)
    {
        string? value = string.IsNullOrWhiteSpace(option) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : option;
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            _ = new SqlConnectionStringBuilder(value);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new UsageException(Text["ConnectionInvalid", ex.Message]);
        }

        return value;
    }

    /// <summary>The configured connection string; a clear usage error when there is none.</summary>
    public static string Require(string? option) =>
        Find(option) ?? throw new UsageException(Text["ConnectionMissing", EnvironmentVariable]);

    /// <summary>The database named by a connection string, for messages and scripts.</summary>
    public static string DatabaseName(string connectionString)
    {
        string database = new SqlConnectionStringBuilder(connectionString).InitialCatalog;
        return string.IsNullOrEmpty(database) ? throw new UsageException(Text["ConnectionNoDatabase"]) : database;
    }
}
