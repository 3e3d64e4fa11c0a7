using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Cli;

/// <summary>
/// Where the connection string comes from (--connection, else CRMDB_CONNECTION, or built from
/// --server/--database/--integrated/--user by <see cref="ConnectionOptions"/>), and the probe
/// that every verb runs before its work so that an unreachable server fails fast, in one message.
/// </summary>
public static class Connection
{
    /// <summary>The environment variable read when --connection is absent.</summary>
    public const string EnvironmentVariable = "CRMDB_CONNECTION";

    /// <summary>The environment variable holding the password of --user (never an argument).</summary>
    public const string PasswordVariable = "CRMDB_PASSWORD";

    /// <summary>Seconds allowed to connect when neither --timeout nor the connection string says.</summary>
    public const int DefaultTimeoutSeconds = 15;

    // Login failures: the server answered, the login or its password is refused.
    private static readonly HashSet<int> LoginErrors = [18456, 18452, 18470, 18486, 18487, 18488];

    // "Cannot open database requested by the login": the server answered, the database is absent or not granted.
    private const int DatabaseError = 4060;

    private static readonly Localizer Text = new("Common");

    /// <summary>The configured connection string, or null when none is given anywhere.</summary>
    public static string? Find(string? option)
    {
        string? value = string.IsNullOrWhiteSpace(option) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : option;
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        Check(value);
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

    /// <summary>A usage error naming the problem when <paramref name="value"/> is not a connection string.</summary>
    public static SqlConnectionStringBuilder Check(string value)
    {
        try
        {
            return new SqlConnectionStringBuilder(value);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new UsageException(Text["ConnectionInvalid", ex.Message]);
        }
    }

    /// <summary>
    /// <paramref name="connectionString"/> with its Connect Timeout: <paramref name="explicitSeconds"/>
    /// when --timeout was given, else the string's own when it has one, else 15 s.
    /// </summary>
    public static string WithTimeout(string connectionString, int? explicitSeconds)
    {
        var builder = Check(connectionString);
        if (explicitSeconds is int seconds)
        {
            builder.ConnectTimeout = seconds;
        }
        else if (!HasTimeout(connectionString))
        {
            builder.ConnectTimeout = DefaultTimeoutSeconds;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// Opens and closes one connection. DacFx retries a failed connection on its own and
    /// ignores Connect Timeout, so verbs probe with SqlClient first: an unreachable server or
    /// a refused login ends in one <see cref="ConnectionFailedException"/> within the timeout.
    /// </summary>
    public static async Task ProbeAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqlException ex)
        {
            throw Failure(connectionString, ex);
        }

        WorkState.MarkStarted();
    }

    /// <summary>Synchronous variant of <see cref="ProbeAsync"/>.</summary>
    public static void Probe(string connectionString) => ProbeAsync(connectionString, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The one message for a failed connection: server, database, timeout, SqlClient's reason, the likely fixes.</summary>
    public static ConnectionFailedException Failure(string connectionString, SqlException ex)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        string database = string.IsNullOrEmpty(builder.InitialCatalog) ? Text["ConnectionDefaultDatabase"] : builder.InitialCatalog;
        string fixes = ex.Number switch
        {
            _ when LoginErrors.Contains(ex.Number) => Text["ConnectionFixLogin", PasswordVariable],
            DatabaseError => Text["ConnectionFixDatabase"],
            _ when ex.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("certificat", StringComparison.OrdinalIgnoreCase)
                => Text["ConnectionFixCertificate"],
            _ => Text["ConnectionFixNetwork"],
        };
        string reason = ex.Message.ReplaceLineEndings(" ").Trim();
        return new ConnectionFailedException(Text["ConnectionFailed", builder.DataSource, database, builder.ConnectTimeout, reason, fixes], ex);
    }

    private static bool HasTimeout(string connectionString)
    {
        // "SqlConnectionStringBuilder.ConnectTimeout Property" (learn.microsoft.com, Microsoft.Data.SqlClient):
        // 15 s when not supplied, keys "Connect Timeout", "connection timeout" and "timeout". The generic
        // builder keeps the keywords as written; SqlConnectionStringBuilder would report its default.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return written.ContainsKey("Connect Timeout") || written.ContainsKey("Connection Timeout") || written.ContainsKey("Timeout");
    }
}
