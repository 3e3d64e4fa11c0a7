using System.Data;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Processing;

/// <summary>Run sessions on SQL Server through Microsoft.Data.SqlClient.</summary>
public sealed class SqlRunEnvironment : IRunEnvironment
{
    /// <inheritdoc />
    public async Task<IRunSession> ConnectAsync(string connectionString, CancellationToken cancellationToken)
    {
        // The control session holds the component lock: no pooling, so that closing it (or the
        // process dying) ends the session and frees the lock at once.
        var control = new SqlConnection(new SqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "crmdb run" }.ConnectionString);
        try
        {
            await control.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new SqlCommand("SELECT SUSER_SNAME(), CAST(SERVERPROPERTY('ServerName') AS nvarchar(128)), DB_NAME(), @@SERVERNAME;", control);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var facts = new ServerFacts(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? reader.GetString(1) : reader.GetString(3));
            return new SqlRunSession(control, connectionString, facts);
        }
        catch
        {
            await control.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>A run's control session: lock, integration, journal; executors get sessions of their own.</summary>
internal sealed class SqlRunSession(SqlConnection control, string connectionString, ServerFacts facts) : IRunSession, IScriptJournal
{
    private string? lockResource;

    public ServerFacts Facts => facts;

    public IScriptJournal Journal => this;

    public async Task<bool> TryLockAsync(string component, CancellationToken cancellationToken)
    {
        // Session-owned, no wait: a second run of the component is told at once, and the lock
        // goes with the session if the process dies. Resource names compare in binary, so the
        // name is upper-cased as the component is case-insensitive everywhere else.
        string resource = "crmdb run " + component.ToUpperInvariant();
        await using var command = new SqlCommand("sp_getapplock", control) { CommandType = CommandType.StoredProcedure };
        command.Parameters.Add(new SqlParameter("@Resource", SqlDbType.NVarChar, 255) { Value = resource });
        command.Parameters.Add(new SqlParameter("@LockMode", SqlDbType.VarChar, 32) { Value = "Exclusive" });
        command.Parameters.Add(new SqlParameter("@LockOwner", SqlDbType.VarChar, 32) { Value = "Session" });
        command.Parameters.Add(new SqlParameter("@LockTimeout", SqlDbType.Int) { Value = 0 });
        var result = command.Parameters.Add(new SqlParameter("@Result", SqlDbType.Int) { Direction = ParameterDirection.ReturnValue });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        bool granted = (int)result.Value >= 0;
        lockResource = granted ? resource : null;
        return granted;
    }

    public async Task<(string Server, string Database)?> ReadIntegrationAsync(int id, CancellationToken cancellationToken)
    {
        await using var command = new SqlCommand("SELECT GesComServer, GesComDatabase FROM dbo.MC_Integration WHERE ErpIntegrationID = @ErpIntegrationID;", control);
        command.Parameters.Add(new SqlParameter("@ErpIntegrationID", SqlDbType.Int) { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    public async Task<bool> JournalExistsAsync(CancellationToken cancellationToken)
    {
        await using var command = new SqlCommand("SELECT CASE WHEN OBJECT_ID(N'dbo.MC_ScriptJournal', N'U') IS NULL THEN 0 ELSE 1 END;", control);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    public IBatchExecutor CreateExecutor() => new SqlBatchExecutor(connectionString);

    public async Task<JournalEntry?> LastAsync(string component, string script, CancellationToken cancellationToken)
    {
        await using var command = new SqlCommand(
            "SELECT TOP (1) Status, Checksum, StartedAt FROM dbo.MC_ScriptJournal WHERE Component = @Component AND Script = @Script ORDER BY JournalID DESC;",
            control);
        command.Parameters.Add(new SqlParameter("@Component", SqlDbType.NVarChar, 100) { Value = component });
        command.Parameters.Add(new SqlParameter("@Script", SqlDbType.NVarChar, 260) { Value = script });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new JournalEntry(reader.GetString(0), reader.GetString(1), reader.GetDateTime(2))
            : null;
    }

    public async Task<long> StartAsync(JournalStart start, CancellationToken cancellationToken)
    {
        await using var command = new SqlCommand(
            "INSERT INTO dbo.MC_ScriptJournal (Component, Script, Checksum, Status, Batches, ToolVersion, LogFile) "
            + "OUTPUT INSERTED.JournalID VALUES (@Component, @Script, @Checksum, N'running', @Batches, @ToolVersion, @LogFile);",
            control);
        command.Parameters.Add(new SqlParameter("@Component", SqlDbType.NVarChar, 100) { Value = start.Component });
        command.Parameters.Add(new SqlParameter("@Script", SqlDbType.NVarChar, 260) { Value = start.Script });
        command.Parameters.Add(new SqlParameter("@Checksum", SqlDbType.Char, 64) { Value = start.Checksum });
        command.Parameters.Add(new SqlParameter("@Batches", SqlDbType.Int) { Value = start.Batches });
        command.Parameters.Add(new SqlParameter("@ToolVersion", SqlDbType.NVarChar, 50) { Value = start.ToolVersion });
        command.Parameters.Add(new SqlParameter("@LogFile", SqlDbType.NVarChar, 400) { Value = start.LogFile });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task FinishAsync(long id, string status, int failedBatches, CancellationToken cancellationToken)
    {
        await using var command = new SqlCommand(
            "UPDATE dbo.MC_ScriptJournal SET Status = @Status, FailedBatches = @FailedBatches, FinishedAt = SYSDATETIME() WHERE JournalID = @JournalID;",
            control);
        command.Parameters.Add(new SqlParameter("@Status", SqlDbType.NVarChar, 20) { Value = status });
        command.Parameters.Add(new SqlParameter("@FailedBatches", SqlDbType.Int) { Value = failedBatches });
        command.Parameters.Add(new SqlParameter("@JournalID", SqlDbType.BigInt) { Value = id });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (lockResource is not null && control.State == ConnectionState.Open)
            {
                await using var command = new SqlCommand("sp_releaseapplock", control) { CommandType = CommandType.StoredProcedure };
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
}

/// <summary>
/// Runs batches on a session of its own, streaming messages: FireInfoMessageEventOnUserErrors
/// makes errors up to class 16 arrive as messages, in order with PRINT output, instead of one
/// exception at the end of the batch; class 17 and above still throw and are reported the same way.
/// </summary>
internal sealed class SqlBatchExecutor(string connectionString) : IBatchExecutor
{
    private readonly int commandTimeout = new SqlConnectionStringBuilder(connectionString).CommandTimeout;
    private SqlConnection? connection;
    private Sink? current;

    public async Task BeginScriptAsync(CancellationToken cancellationToken)
    {
        await EndConnectionAsync().ConfigureAwait(false);
        connection = new SqlConnection(connectionString) { FireInfoMessageEventOnUserErrors = true };
        connection.InfoMessage += (_, e) =>
        {
            foreach (SqlError error in e.Errors)
            {
                current?.Message(Convert(error));
            }
        };
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<BatchOutcome> ExecuteAsync(string sql, IBatchListener listener, CancellationToken cancellationToken)
    {
        var sink = new Sink(listener);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        current = sink;
        try
        {
            if (connection is null || connection.State != ConnectionState.Open)
            {
                // A severe error (class 20 and above) closes the session: the next batch gets a new one.
                await BeginScriptAsync(cancellationToken).ConfigureAwait(false);
                current = sink;
            }

            // crmdb run --query-timeout arrives as the connection string's Command Timeout (0: no limit;
            // "SqlConnection.CommandTimeout Property", learn.microsoft.com, Microsoft.Data.SqlClient);
            // a batch that exceeds it fails with SqlException -2, reported below as the batch's error.
            await using var command = new SqlCommand(sql, connection) { CommandTimeout = commandTimeout };
            command.StatementCompleted += (_, e) => sink.Rows(e.RecordCount);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Result rows are counted (StatementCompleted), not shown: the log records counts.
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (SqlException) when (cancellationToken.IsCancellationRequested)
        {
            // SqlClient sent the attention: the server stopped the batch. An open transaction
            // stays open until EndScriptAsync rolls it back.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (SqlException ex)
        {
            // Class 17 and above throw; the exception may repeat messages already streamed.
            foreach (SqlError error in ex.Errors)
            {
                sink.MessageOnce(Convert(error));
            }

            if (sink.Errors.Count == 0)
            {
                // Not a server error (a broken connection, a timeout): still a failure of the batch.
                sink.MessageOnce(new ServerMessage(ex.Number, Math.Max(ex.Class, (byte)11), ex.State, ex.LineNumber, null, ex.Message));
            }
        }
        finally
        {
            current = null;
        }

        return new BatchOutcome(sink.Errors, sink.RowTotal, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    public async Task<int> EndScriptAsync(CancellationToken cancellationToken)
    {
        int open = 0;
        if (connection is { State: ConnectionState.Open })
        {
            await using var command = new SqlCommand("DECLARE @Open int = @@TRANCOUNT; IF @Open > 0 ROLLBACK; SELECT @Open;", connection);
            open = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await EndConnectionAsync().ConfigureAwait(false);
        return open;
    }

    public ValueTask DisposeAsync() => EndConnectionAsync();

    private async ValueTask EndConnectionAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            connection = null;
        }
    }

    private static ServerMessage Convert(SqlError error) =>
        new(error.Number, error.Class, error.State, error.LineNumber, string.IsNullOrEmpty(error.Procedure) ? null : error.Procedure, error.Message);

    private sealed class Sink(IBatchListener listener) : IBatchListener
    {
        private readonly List<ServerMessage> errors = [];
        private readonly HashSet<ServerMessage> seen = [];

        public IReadOnlyList<ServerMessage> Errors => errors;

        public long RowTotal { get; private set; }

        public void MessageOnce(ServerMessage message)
        {
            if (!seen.Contains(message))
            {
                Message(message);
            }
        }

        public void Message(ServerMessage message)
        {
            seen.Add(message);
            if (message.IsError)
            {
                errors.Add(message);
            }

            listener.Message(message);
        }

        public void Rows(int count)
        {
            RowTotal += count;
            listener.Rows(count);
        }
    }
}
