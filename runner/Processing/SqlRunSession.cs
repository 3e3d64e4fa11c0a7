using System.Data;
using System.Security.Cryptography;
using System.Text;
using CrmDb.Clr;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Processing;

/// <summary>Run sessions on SQL Server through Microsoft.Data.SqlClient.</summary>
public sealed class SqlRunEnvironment : IRunEnvironment
{
    /// <inheritdoc />
    public async Task<IRunSession> ConnectAsync(string connectionString, CancellationToken cancellationToken)
    {
        var control = new SqlConnection(SqlRunSession.ControlConnectionString(connectionString));
        try
        {
            await control.OpenAsync(cancellationToken).ConfigureAwait(false);
            ServerFacts facts;
            await using (var command = new SqlCommand("SELECT SUSER_SNAME(), CAST(SERVERPROPERTY('ServerName') AS nvarchar(128)), DB_NAME(), @@SERVERNAME;", control))
            {
                command.CommandTimeout = SqlRunSession.ControlTimeoutSeconds;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                facts = new ServerFacts(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? reader.GetString(1) : reader.GetString(3));
            }

            // The control session waits in master, not in the target database: a script's
            // ALTER DATABASE ... SINGLE_USER, OFFLINE or READ_COMMITTED_SNAPSHOT does not wait for
            // it, and WITH ROLLBACK IMMEDIATE does not kill it (docs/run.md, "Scripts that need the database to themselves").
            await control.ChangeDatabaseAsync("master", cancellationToken).ConfigureAwait(false);
            var session = new SqlRunSession(control, connectionString, facts);
            session.ReleaseIdleSessions();
            return session;
        }
        catch
        {
            await control.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>
/// A run's control session: lock, integration, journal; executors get sessions of their own.
/// It sits in master and reaches the target database only for the length of each of its own
/// statements, through <c>[database].sys.sp_executesql</c> (a system procedure called with a
/// database prefix runs in that database). Every command has an explicit timeout
/// (<see cref="ControlTimeoutSeconds"/>); a failure is a <see cref="RunSessionException"/>.
/// </summary>
internal sealed class SqlRunSession(SqlConnection control, string connectionString, ServerFacts facts) : IRunSession, IScriptJournal
{
    /// <summary>The timeout of each command of the control session: short statements on one row.</summary>
    public const int ControlTimeoutSeconds = 60;

    private static readonly Localizer Text = new("Run");
    private readonly string database = SqlName.Quote(facts.Database);
    private string? lockResource;

    public ServerFacts Facts => facts;

    public IScriptJournal Journal => this;

    /// <summary>
    /// The control session's connection string: unpooled, so that closing it (or the process
    /// dying) ends the session and frees the lock at once; ConnectRetryCount 0, so that a broken
    /// session is never silently replaced by a new one without the lock ("The number of
    /// reconnections attempted after identifying that there was an idle connection failure ...
    /// Set to 0 to disable", SqlConnectionStringBuilder.ConnectRetryCount, learn.microsoft.com).
    /// </summary>
    public static string ControlConnectionString(string connectionString) =>
        new SqlConnectionStringBuilder(connectionString) { Pooling = false, ConnectRetryCount = 0, ApplicationName = "crmdb run" }.ConnectionString;

    /// <summary>
    /// The application lock's resource, taken in master (where the control session is) so that
    /// no statement on the target database can take it away: database and component, upper-cased
    /// (resource names compare in binary; both are case-insensitive elsewhere), hashed when longer
    /// than sp_getapplock's 255 characters.
    /// </summary>
    public static string LockResource(string database, string component)
    {
        string resource = "crmdb run " + database.ToUpperInvariant() + " " + component.ToUpperInvariant();
        return resource.Length <= 255
            ? resource
            : "crmdb run " + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(resource)));
    }

    public async Task<bool> TryLockAsync(string component, CancellationToken cancellationToken)
    {
        // Session-owned, no wait: a second run of the component is told at once, and the lock
        // goes with the session if the process dies.
        string resource = LockResource(facts.Database, component);
        int result = await Control(async () =>
        {
            await using var command = new SqlCommand("sp_getapplock", control) { CommandType = CommandType.StoredProcedure, CommandTimeout = ControlTimeoutSeconds };
            command.Parameters.Add(new SqlParameter("@Resource", SqlDbType.NVarChar, 255) { Value = resource });
            command.Parameters.Add(new SqlParameter("@LockMode", SqlDbType.VarChar, 32) { Value = "Exclusive" });
            command.Parameters.Add(new SqlParameter("@LockOwner", SqlDbType.VarChar, 32) { Value = "Session" });
            command.Parameters.Add(new SqlParameter("@LockTimeout", SqlDbType.Int) { Value = 0 });
            var returned = command.Parameters.Add(new SqlParameter("@Result", SqlDbType.Int) { Direction = ParameterDirection.ReturnValue });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return (int)returned.Value;
        }).ConfigureAwait(false);
        bool granted = result >= 0;
        lockResource = granted ? resource : null;
        return granted;
    }

    public Task<(string Server, string Database)?> ReadIntegrationAsync(int id, CancellationToken cancellationToken) =>
        Control(async () =>
        {
            await using var command = InDatabase(
                "SELECT GesComServer, GesComDatabase FROM dbo.MC_Integration WHERE ErpIntegrationID = @ErpIntegrationID;",
                "@ErpIntegrationID int",
                new SqlParameter("@ErpIntegrationID", SqlDbType.Int) { Value = id });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : ((string, string)?)null;
        });

    public Task<bool> JournalExistsAsync(CancellationToken cancellationToken) =>
        Control(async () =>
        {
            await using var command = InDatabase("SELECT CASE WHEN OBJECT_ID(N'dbo.MC_ScriptJournal', N'U') IS NULL THEN 0 ELSE 1 END;", null);
            return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
        });

    public IBatchExecutor CreateExecutor(SessionSettings settings) => new SqlBatchExecutor(connectionString, settings);

    public void ReleaseIdleSessions()
    {
        // "ClearPool clears the connection pool that is associated with the connection. If
        // additional connections ... are in use ... they are discarded (instead of being returned
        // to the pool)" (SqlConnection.ClearPool, learn.microsoft.com, Microsoft.Data.SqlClient).
        // Executors are unpooled; what can sit idle in the pool is the connection probe's session.
        using var pooled = new SqlConnection(connectionString);
        SqlConnection.ClearPool(pooled);
    }

    public Task<JournalEntry?> LastAsync(string component, string script, CancellationToken cancellationToken) =>
        Control(async () =>
        {
            await using var command = InDatabase(
                "SELECT TOP (1) Status, Checksum, StartedAt FROM dbo.MC_ScriptJournal WHERE Component = @Component AND Script = @Script ORDER BY JournalID DESC;",
                "@Component nvarchar(100), @Script nvarchar(260)",
                new SqlParameter("@Component", SqlDbType.NVarChar, 100) { Value = component },
                new SqlParameter("@Script", SqlDbType.NVarChar, 260) { Value = script });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new JournalEntry(reader.GetString(0), reader.GetString(1), reader.GetDateTime(2))
                : null;
        });

    public Task<long> StartAsync(JournalStart start, CancellationToken cancellationToken) =>
        Control(async () =>
        {
            await using var command = InDatabase(
                "INSERT INTO dbo.MC_ScriptJournal (Component, Script, Checksum, Status, Batches, ToolVersion, LogFile) "
                + "OUTPUT INSERTED.JournalID VALUES (@Component, @Script, @Checksum, N'running', @Batches, @ToolVersion, @LogFile);",
                "@Component nvarchar(100), @Script nvarchar(260), @Checksum char(64), @Batches int, @ToolVersion nvarchar(50), @LogFile nvarchar(400)",
                new SqlParameter("@Component", SqlDbType.NVarChar, 100) { Value = start.Component },
                new SqlParameter("@Script", SqlDbType.NVarChar, 260) { Value = start.Script },
                new SqlParameter("@Checksum", SqlDbType.Char, 64) { Value = start.Checksum },
                new SqlParameter("@Batches", SqlDbType.Int) { Value = start.Batches },
                new SqlParameter("@ToolVersion", SqlDbType.NVarChar, 50) { Value = start.ToolVersion },
                new SqlParameter("@LogFile", SqlDbType.NVarChar, 400) { Value = start.LogFile });
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        });

    public async Task FinishAsync(long id, string status, int failedBatches, CancellationToken cancellationToken)
    {
        try
        {
            await Control(() => FinishOnAsync(control, id, status, failedBatches, cancellationToken)).ConfigureAwait(false);
        }
        catch (RunSessionException first) when (first.SessionLost)
        {
            // The control session is gone (and the lock with it: the run stops). The script's row
            // still gets its end on a session of its own, so that it does not stay 'running'.
            try
            {
                await using var once = new SqlConnection(ControlConnectionString(connectionString));
                await once.OpenAsync(cancellationToken).ConfigureAwait(false);
                await once.ChangeDatabaseAsync("master", cancellationToken).ConfigureAwait(false);
                await FinishOnAsync(once, id, status, failedBatches, cancellationToken).ConfigureAwait(false);
            }
            catch (SqlException)
            {
                throw first;
            }

            throw new RunSessionException(Text["ControlLostJournalWritten", first.Message], sessionLost: true, first);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (lockResource is not null && control.State == ConnectionState.Open)
            {
                await using var command = new SqlCommand("sp_releaseapplock", control) { CommandType = CommandType.StoredProcedure, CommandTimeout = ControlTimeoutSeconds };
                command.Parameters.Add(new SqlParameter("@Resource", SqlDbType.NVarChar, 255) { Value = lockResource });
                command.Parameters.Add(new SqlParameter("@LockOwner", SqlDbType.VarChar, 32) { Value = "Session" });
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (SqlException)
        {
            // Closing the unpooled session below frees the lock anyway.
        }
        finally
        {
            await control.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task FinishOnAsync(SqlConnection connection, long id, string status, int failedBatches, CancellationToken cancellationToken)
    {
        await using var command = InDatabase(
            "UPDATE dbo.MC_ScriptJournal SET Status = @Status, FailedBatches = @FailedBatches, FinishedAt = SYSDATETIME() WHERE JournalID = @JournalID;",
            "@Status nvarchar(20), @FailedBatches int, @JournalID bigint",
            connection,
            new SqlParameter("@Status", SqlDbType.NVarChar, 20) { Value = status },
            new SqlParameter("@FailedBatches", SqlDbType.Int) { Value = failedBatches },
            new SqlParameter("@JournalID", SqlDbType.BigInt) { Value = id });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private SqlCommand InDatabase(string statement, string? parameters, params SqlParameter[] values) =>
        InDatabase(statement, parameters, control, values);

    /// <summary>
    /// <paramref name="statement"/> run in the target database by <c>[database].sys.sp_executesql</c>,
    /// its values as parameters ("sp_executesql (Transact-SQL)", learn.microsoft.com).
    /// </summary>
    private SqlCommand InDatabase(string statement, string? parameters, SqlConnection connection, params SqlParameter[] values)
    {
        var command = new SqlCommand(database + ".sys.sp_executesql", connection) { CommandType = CommandType.StoredProcedure, CommandTimeout = ControlTimeoutSeconds };
        command.Parameters.Add(new SqlParameter("@stmt", SqlDbType.NVarChar, -1) { Value = statement });
        if (parameters is not null)
        {
            command.Parameters.Add(new SqlParameter("@params", SqlDbType.NVarChar, -1) { Value = parameters });
            command.Parameters.AddRange(values);
        }

        return command;
    }

    /// <summary>Runs one control command; its failure (a timeout, a broken session) is a <see cref="RunSessionException"/>.</summary>
    private async Task<T> Control<T>(Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (SqlException ex)
        {
            bool lost = control.State != ConnectionState.Open;
            throw new RunSessionException(
                Text[lost ? "ControlSessionLost" : "ControlCommandFailed", facts.Database, ex.Message, ControlTimeoutSeconds], lost, ex);
        }
    }

    private async Task Control(Func<Task> work) =>
        await Control(async () =>
        {
            await work().ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
}
