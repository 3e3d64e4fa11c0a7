namespace CrmDb.Runner.Processing;

/// <summary>A message from the server: PRINT or RAISERROR text (class 0 to 10) or an error (class 11 and above).</summary>
public sealed record ServerMessage(int Number, byte Class, byte State, int LineNumber, string? Procedure, string Text)
{
    /// <summary>Class 11 and above: an error, not information.</summary>
    public bool IsError => Class > 10;
}

/// <summary>How a batch's execution ended, apart from the errors the server reported.</summary>
public enum BatchEnd
{
    /// <summary>The server ran it to its end (with or without errors).</summary>
    Completed,

    /// <summary>--query-timeout expired: SqlClient cancelled the batch on the server (not a server error).</summary>
    TimedOut,

    /// <summary>
    /// The session is gone (an error of class 20 or above, a KILL, a broken network): its
    /// transaction, #temp tables and USE context went with it; the script cannot go on.
    /// </summary>
    ConnectionLost,
}

/// <summary>What one execution of a batch gave: its errors, the row counts the server reported, the time it took, how it ended.</summary>
public sealed record BatchOutcome(IReadOnlyList<ServerMessage> Errors, long Rows, TimeSpan Duration, BatchEnd End = BatchEnd.Completed)
{
    /// <summary>True when the server reported an error or the batch did not complete.</summary>
    public bool Failed => Errors.Count > 0 || End != BatchEnd.Completed;
}

/// <summary>
/// The SET options crmdb gives each script's session on top of SqlClient's (docs/run.md, "Session settings").
/// </summary>
public sealed record SessionSettings(bool QuotedIdentifier = true)
{
    /// <summary>SqlClient's own: QUOTED_IDENTIFIER ON.</summary>
    public static SessionSettings Default { get; } = new();
}

/// <summary>
/// A command crmdb issues itself (lock, journal, end-of-script check) failed or timed out. Its
/// message says what and why; <see cref="SessionLost"/> is true when the session it ran on is gone.
/// </summary>
public sealed class RunSessionException(string message, bool sessionLost, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The session is gone: for the control session, the component lock with it.</summary>
    public bool SessionLost { get; } = sessionLost;
}

/// <summary>Receives what the server sends while a batch runs, as it arrives.</summary>
public interface IBatchListener
{
    /// <summary>A message or an error.</summary>
    void Message(ServerMessage message);

    /// <summary>A statement completed with <paramref name="count"/> rows.</summary>
    void Rows(int count);
}

/// <summary>
/// Runs batches for one script at a time. The transaction strategy is explicit: none is opened
/// for the script (each batch commits as it goes, as under sqlcmd); a transaction the script
/// leaves open at its end is rolled back and reported by <see cref="EndScriptAsync"/>.
/// </summary>
public interface IBatchExecutor : IAsyncDisposable
{
    /// <summary>Opens the session the script's batches share.</summary>
    Task BeginScriptAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs one batch; messages and errors go to <paramref name="listener"/> as they come. SQL
    /// errors never throw; a cancelled <paramref name="cancellationToken"/> cancels the batch on
    /// the server and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<BatchOutcome> ExecuteAsync(string sql, IBatchListener listener, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the script's session; returns how many open transactions were rolled back (0 normally).
    /// Its own commands have an explicit timeout; a failure is a <see cref="RunSessionException"/>
    /// (closing the session then makes the server roll back what it still held).
    /// </summary>
    Task<int> EndScriptAsync(CancellationToken cancellationToken);
}

/// <summary>The last journal row of a script in a component.</summary>
public sealed record JournalEntry(string Status, string Checksum, DateTime StartedAt)
{
    /// <summary>Status of a script that ran without error.</summary>
    public const string Success = "success";

    /// <summary>Status of a script that had an error.</summary>
    public const string Failed = "failed";

    /// <summary>Status while a script runs (stays so when the run was killed outright).</summary>
    public const string Running = "running";

    /// <summary>Status of a script stopped by Ctrl+C or SIGTERM: its batch was cancelled on the server.</summary>
    public const string Interrupted = "interrupted";
}

/// <summary>What a journal row records when a script starts.</summary>
public sealed record JournalStart(string Component, string Script, string Checksum, int Batches, string ToolVersion, string LogFile);

/// <summary>
/// The script journal (dbo.MC_ScriptJournal): what ran, with which checksum, and how it ended.
/// A command that fails or times out throws <see cref="RunSessionException"/>.
/// </summary>
public interface IScriptJournal
{
    /// <summary>The latest row of <paramref name="script"/> in <paramref name="component"/>, or null.</summary>
    Task<JournalEntry?> LastAsync(string component, string script, CancellationToken cancellationToken);

    /// <summary>Records a start ('running'); returns the row's id.</summary>
    Task<long> StartAsync(JournalStart start, CancellationToken cancellationToken);

    /// <summary>Records the end of a script: <paramref name="status"/> is one of <see cref="JournalEntry"/>'s statuses.</summary>
    Task FinishAsync(long id, string status, int failedBatches, CancellationToken cancellationToken);
}

/// <summary>Who and where a run connects to, for the log header.</summary>
public sealed record ServerFacts(string Login, string Server, string Database, string ServerName);

/// <summary>
/// A connection to the target database for one run: the component lock, the integration's
/// GesCom location, the journal and the executor. The lock and the journal use a session of
/// their own, so nothing a script does (a rollback, a doomed transaction) undoes a journal row.
/// </summary>
public interface IRunSession : IAsyncDisposable
{
    /// <summary>Login, server and database.</summary>
    ServerFacts Facts { get; }

    /// <summary>The journal.</summary>
    IScriptJournal Journal { get; }

    /// <summary>Takes the component's lock without waiting; false when another run holds it.</summary>
    Task<bool> TryLockAsync(string component, CancellationToken cancellationToken);

    /// <summary>GesComServer and GesComDatabase of integration <paramref name="id"/>; null when there is no such row.</summary>
    Task<(string Server, string Database)?> ReadIntegrationAsync(int id, CancellationToken cancellationToken);

    /// <summary>True when dbo.MC_ScriptJournal exists (CrmDb.dacpac is deployed).</summary>
    Task<bool> JournalExistsAsync(CancellationToken cancellationToken);

    /// <summary>An executor on a session of its own, with <paramref name="settings"/>.</summary>
    IBatchExecutor CreateExecutor(SessionSettings settings);

    /// <summary>
    /// Closes the idle pooled sessions of the run's connection string (the connection probe's, for
    /// one), so that none stays in the database while a script needs it to itself. Called before each script.
    /// </summary>
    void ReleaseIdleSessions();
}

/// <summary>Opens run sessions (SQL Server for real, fakes in tests).</summary>
public interface IRunEnvironment
{
    /// <summary>Connects to the database of <paramref name="connectionString"/>.</summary>
    Task<IRunSession> ConnectAsync(string connectionString, CancellationToken cancellationToken);
}
