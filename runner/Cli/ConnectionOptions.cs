using System.CommandLine;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Cli;

/// <summary>
/// The CRM connection, the same on every verb that connects: --connection/-c (else
/// CRMDB_CONNECTION), or sqlcmd's --server/-S, --database/-d, --integrated/-E, --user/-U
/// (password from CRMDB_PASSWORD or a prompt, never an argument), --trust-server-certificate/-C,
/// and --timeout SECONDS bounding the connection.
/// </summary>
public sealed class ConnectionOptions
{
    private static readonly Localizer Text = new("Common");

    /// <summary>Creates the options; <paramref name="connectionDescription"/> replaces the usual text of --connection.</summary>
    public ConnectionOptions(string? connectionDescription = null)
    {
        ConnectionString = new Option<string?>("--connection", "-c")
        {
            Description = connectionDescription ?? Text["ConnectionOption"],
            HelpName = "CS",
        };
        Server = new Option<string?>("--server", "-S") { Description = Text["ServerOption"], HelpName = Text["ServerHelpName"] };
        Database = new Option<string?>("--database", "-d") { Description = Text["DatabaseOption"], HelpName = Text["DatabaseHelpName"] };
        Integrated = new Option<bool>("--integrated", "-E") { Description = Text["IntegratedOption"] };
        User = new Option<string?>("--user", "-U") { Description = Text["UserOption", Connection.PasswordVariable], HelpName = "LOGIN" };
        TrustServerCertificate = new Option<bool>("--trust-server-certificate", "-C") { Description = Text["TrustOption"] };
        Timeout = new Option<int?>("--timeout") { Description = Text["TimeoutOption", Connection.DefaultTimeoutSeconds], HelpName = Text["SecondsHelpName"] };
    }

    /// <summary>--connection/-c CS.</summary>
    public Option<string?> ConnectionString { get; }

    /// <summary>--server/-S: the SQL Server instance (as sqlcmd -S: host, host\instance, host,port, tcp:...).</summary>
    public Option<string?> Server { get; }

    /// <summary>--database/-d: the CRM database (alone, it replaces the database of --connection/CRMDB_CONNECTION).</summary>
    public Option<string?> Database { get; }

    /// <summary>--integrated/-E: Windows authentication (the default with --server).</summary>
    public Option<bool> Integrated { get; }

    /// <summary>--user/-U LOGIN: SQL Server authentication.</summary>
    public Option<string?> User { get; }

    /// <summary>--trust-server-certificate/-C: accept the server's self-signed certificate (sqlcmd -C).</summary>
    public Option<bool> TrustServerCertificate { get; }

    /// <summary>--timeout SECONDS: bound of every connection (default 15).</summary>
    public Option<int?> Timeout { get; }

    /// <summary>Every option, in the order help shows them.</summary>
    public IEnumerable<Option> All => [ConnectionString, Server, Database, Integrated, User, TrustServerCertificate, Timeout];

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// The connection string the options describe, checked but not opened; null when none is
    /// given anywhere. A usage error for contradictory or incomplete options.
    /// </summary>
    public string? Find(ParseResult parseResult, CliContext context)
    {
        string? given = parseResult.GetValue(ConnectionString);
        string? server = parseResult.GetValue(Server);
        string? database = parseResult.GetValue(Database);
        string? user = parseResult.GetValue(User);
        bool integrated = parseResult.GetValue(Integrated);
        bool trust = parseResult.GetValue(TrustServerCertificate);
        int? timeout = parseResult.GetValue(Timeout);
        if (timeout is < 1)
        {
            throw new UsageException(Text["TimeoutInvalid", timeout]);
        }

        if (database is not null && database.Trim().Length == 0)
        {
            throw new UsageException(Text["DatabaseEmpty"]);
        }

        if (integrated && user is not null)
        {
            throw new UsageException(Text["IntegratedOrUser"]);
        }

        string? connectionString;
        if (server is not null)
        {
            if (!string.IsNullOrWhiteSpace(given))
            {
                throw new UsageException(Text["ConnectionOrServer"]);
            }

            connectionString = Build(server, database, user, trust, context);
        }
        else
        {
            if (integrated || user is not null || trust)
            {
                throw new UsageException(Text["ServerMissing"]);
            }

            connectionString = Connection.Find(given);
            if (connectionString is not null && database is not null)
            {
                connectionString = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = database.Trim() }.ConnectionString;
            }
        }

        return connectionString is null ? null : Connection.WithTimeout(connectionString, timeout);
    }

    /// <summary>The connection string; a usage error when none is given.</summary>
    public string Require(ParseResult parseResult, CliContext context) =>
        Find(parseResult, context) ?? throw new UsageException(Text["ConnectionMissing", Connection.EnvironmentVariable]);

    /// <summary>The connection string, probed: the server answered and took the login.</summary>
    public async Task<string> OpenAsync(ParseResult parseResult, CliContext context, CancellationToken cancellationToken)
    {
        string connectionString = Require(parseResult, context);
        await Connection.ProbeAsync(connectionString, cancellationToken).ConfigureAwait(false);
        return connectionString;
    }

    /// <summary>Synchronous variant of <see cref="OpenAsync"/>.</summary>
    public string Open(ParseResult parseResult, CliContext context) =>
        OpenAsync(parseResult, context, CancellationToken.None).GetAwaiter().GetResult();

    private static string Build(string server, string? database, string? user, bool trust, CliContext context)
    {
        if (server.Trim().Length == 0)
        {
            throw new UsageException(Text["ServerEmpty"]);
        }

        var builder = new SqlConnectionStringBuilder { DataSource = server.Trim() };
        if (database is not null)
        {
            builder.InitialCatalog = database.Trim();
        }

        if (user is null)
        {
            builder.IntegratedSecurity = true;
        }
        else
        {
            builder.UserID = user;
            builder.Password = Password(user, context);
        }

        if (trust)
        {
            builder.TrustServerCertificate = true;
        }

        return builder.ConnectionString;
    }

    private static string Password(string user, CliContext context)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(Connection.PasswordVariable);
        if (fromEnvironment is not null)
        {
            return fromEnvironment;
        }

        if (context.ReadPassword is null)
        {
            // Nobody to ask: a script or a scheduled task must set the variable.
            throw new UsageException(Text["PasswordMissing", user, Connection.PasswordVariable]);
        }

        return context.ReadPassword(Text["PasswordPrompt", user]) ?? throw new UsageException(Text["PasswordMissing", user, Connection.PasswordVariable]);
    }
}
