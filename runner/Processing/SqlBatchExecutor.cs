using System.Data;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Processing;

/// <summary>
/// Runs batches on a session of its own, streaming messages: FireInfoMessageEventOnUserErrors
/// makes errors up to class 16 arrive as messages, in order with PRINT output, instead of one
/// exception at the end of the batch; class 17 and above still throw ("An error with a severity
/// level of 17 or above that causes the server to stop processing the command needs to be handled
/// as an exception", SqlConnection.FireInfoMessageEventOnUserErrors, learn.microsoft.com) and are
/// logged at once, before the rest of the batch is read (<see cref="ResultDrain"/>).
/// The session is unpooled and never reconnected: closing it ends it on the server (nothing of
/// the script's stays idle in the database), and a session lost to an error of class 20 and above
/// is reported as such (<see cref="BatchEnd.ConnectionLost"/>), not silently replaced.
/// </summary>
internal sealed class SqlBatchExecutor(string connectionString, SessionSettings settings) : IBatchExecutor
{
    /// <summary>The timeout of the end-of-script commands (resets, @@TRANCOUNT, ROLLBACK): a rollback of a big transaction takes time.</summary>
    public const int EndOfScriptTimeoutSeconds = 600;

    private static readonly Localizer Text = new("Run");
    private readonly int commandTimeout = new SqlConnectionStringBuilder(connectionString).CommandTimeout;
    private SqlConnection? connection;
    private Sink? current;

    /// <summary>The executor's connection string: unpooled, no silent reconnection.</summary>
    public static string ScriptConnectionString(string connectionString) =>
        new SqlConnectionStringBuilder(connectionString) { Pooling = false, ConnectRetryCount = 0 }.ConnectionString;

    public async Task BeginScriptAsync(CancellationToken cancellationToken)
    {
        await EndConnectionAsync().ConfigureAwait(false);
        connection = new SqlConnection(ScriptConnectionString(connectionString)) { FireInfoMessageEventOnUserErrors = true };
        connection.InfoMessage += (_, e) =>
        {
            foreach (SqlError error in e.Errors)
            {
                current?.Message(Convert(error));
            }
        };
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (string statement in SessionSetup.Statements(settings))
            {
                await using var command = new SqlCommand(statement, connection) { CommandTimeout = SqlRunSession.ControlTimeoutSeconds };
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The server went away between two scripts: this script fails, with the reason.
            throw new RunSessionException(Text["ScriptSessionFailed", ex.Message], connection.State != ConnectionState.Open, ex);
        }
    }

    public async Task<BatchOutcome> ExecuteAsync(string sql, IBatchListener listener, CancellationToken cancellationToken)
    {
        var sink = new Sink(listener);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (connection is not { State: ConnectionState.Open })
        {
            // The session was lost by an earlier batch: nothing more runs on it.
            return new BatchOutcome([], 0, TimeSpan.Zero, BatchEnd.ConnectionLost);
        }

        current = sink;
        var end = BatchEnd.Completed;
        SqlDataReader? reader = null;
        // crmdb run --query-timeout arrives as the connection string's Command Timeout (0: no limit).
        // SqlClient's own timeout counts the time of each network read ("CommandTimeout ... is
        // the cumulative time-out for all network packets that are read during the invocation of a
        // method", SqlCommand.CommandTimeout, learn.microsoft.com): a batch that keeps sending rows
        // never reaches it. The limit is therefore a timer on the whole batch, which cancels it.
        await using var command = new SqlCommand(sql, connection) { CommandTimeout = 0 };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (commandTimeout > 0)
        {
            limit.CancelAfter(TimeSpan.FromSeconds(commandTimeout));
        }

        command.StatementCompleted += (_, e) => sink.Rows(e.RecordCount);
        // From the cancellation on, what arrives is the attention's answer ("Operation cancelled
        // by user"), not an error of the script.
        await using var cancelled = limit.Token.Register(() => sink.Cancelled = true);
        try
        {
            reader = await command.ExecuteReaderAsync(limit.Token).ConfigureAwait(false);
            await ResultDrain.DrainAsync(new SqlResultCursor(reader), ex => Record(ex, sink, ref end), limit.Token).ConfigureAwait(false);
        }
        catch (SqlException ex) when (!limit.Token.IsCancellationRequested && Record(ex, sink, ref end) is not null)
        {
            // The batch failed before any result (a compile error of class 17 and above, a lost session).
        }
        catch (Exception ex) when ((ex is SqlException or OperationCanceledException) && limit.Token.IsCancellationRequested)
        {
            // SqlClient sent the attention: the server stopped the batch. An open transaction
            // stays open until EndScriptAsync rolls it back.
            await CloseAsync(command, reader, sink, abandon: true).ConfigureAwait(false);
            current = null;
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            return new BatchOutcome(sink.Errors, sink.RowTotal, System.Diagnostics.Stopwatch.GetElapsedTime(started),
                connection.State == ConnectionState.Open ? BatchEnd.TimedOut : BatchEnd.ConnectionLost);
        }

        await CloseAsync(command, reader, sink, abandon: end != BatchEnd.Completed).ConfigureAwait(false);
        current = null;
        if (connection.State != ConnectionState.Open)
        {
            end = BatchEnd.ConnectionLost;
        }

        return new BatchOutcome(sink.Errors, sink.RowTotal, System.Diagnostics.Stopwatch.GetElapsedTime(started), end);
    }

    public async Task<int> EndScriptAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (connection is not { State: ConnectionState.Open })
            {
                // The server rolled back what the lost session held when it ended.
                return 0;
            }

            return await ScriptSessionEnd.RunAsync(
                async statement =>
                {
                    await using var command = new SqlCommand(statement, connection) { CommandTimeout = EndOfScriptTimeoutSeconds };
                    return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        catch (SqlException ex)
        {
            // Closing the (unpooled) session below makes the server roll back what it still holds.
            throw new RunSessionException(Text["EndCheckFailed", ex.Message, EndOfScriptTimeoutSeconds], connection is not { State: ConnectionState.Open }, ex);
        }
        finally
        {
            await EndConnectionAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => EndConnectionAsync();

    /// <summary>
    /// Cancels before closing when the rest of the batch is not wanted: closing a reader reads
    /// what is left ("the time that it takes to close the SqlDataReader can be reduced by calling
    /// the Cancel method of the associated SqlCommand object before calling the Close method",
    /// SqlDataReader.Close, learn.microsoft.com). What closing still raises is logged, not lost.
    /// </summary>
    private async Task CloseAsync(SqlCommand command, SqlDataReader? reader, Sink sink, bool abandon)
    {
        if (reader is null)
        {
            return;
        }

        if (abandon)
        {
            command.Cancel();
        }

        try
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        catch (SqlException ex)
        {
            if (!sink.Cancelled)
            {
                var ignored = BatchEnd.Completed;
                Record(ex, sink, ref ignored);
            }
        }
    }

    /// <summary>Logs what an exception carries, in the order it came; says whether the batch may still be read.</summary>
    private bool? Record(Exception exception, Sink sink, ref BatchEnd end)
    {
        if (exception is not SqlException ex)
        {
            return null;
        }

        // Class 17 and above; the exception may repeat messages already streamed.
        foreach (SqlError error in ex.Errors)
        {
            sink.MessageOnce(Convert(error));
        }

        if (sink.Errors.Count == 0)
        {
            // Not a server error (a broken network): still a failure of the batch.
            sink.MessageOnce(new ServerMessage(ex.Number, Math.Max(ex.Class, (byte)11), ex.State, ex.LineNumber, null, ex.Message));
        }

        if (connection is not { State: ConnectionState.Open })
        {
            end = BatchEnd.ConnectionLost;
            return false;
        }

        return true;
    }

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

    private sealed class SqlResultCursor(SqlDataReader reader) : IResultCursor
    {
        public bool IsClosed => reader.IsClosed;

        public Task<bool> ReadAsync(CancellationToken cancellationToken) => reader.ReadAsync(cancellationToken);

        public Task<bool> NextResultAsync(CancellationToken cancellationToken) => reader.NextResultAsync(cancellationToken);
    }

    private sealed class Sink(IBatchListener listener) : IBatchListener
    {
        private readonly List<ServerMessage> errors = [];
        private readonly HashSet<ServerMessage> seen = [];

        public IReadOnlyList<ServerMessage> Errors => errors;

        public long RowTotal { get; private set; }

        public volatile bool Cancelled;

        public void MessageOnce(ServerMessage message)
        {
            if (!seen.Contains(message))
            {
                Message(message);
            }
        }

        public void Message(ServerMessage message)
        {
            if (Cancelled && message.IsError)
            {
                return;
            }

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
