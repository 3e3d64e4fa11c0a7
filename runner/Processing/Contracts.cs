namespace CrmDb.Runner.Processing;

/// <summary>A message from the server: PRINT or RAISERROR text (class 0 to 10) or an error (class 11 and above).</summary>
public sealed record ServerMessage(int Number, byte Class, byte State, int LineNumber, string? Procedure, string Text)
{
    /// <summary>Class 11 and above: an error, not information.</summary>
    public bool IsError => Class > 10;
}

/// <summary>What one execution of a batch gave: its errors, the row counts the server reported, the time it took.</summary>
public sealed record BatchOutcome(IReadOnlyList<ServerMessage> Errors, long Rows, TimeSpan Duration)
{
    /// <summary>True when the server reported an error.</summary>
    public bool Failed => Errors.Count > 0;
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

    /// <summary>Ends the script's session; returns how many open transactions were rolled back (0 normally).</summary>
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

/// <summary>The script journal (dbo.MC_ScriptJournal): what ran, with which checksum, and how it ended.</summary>
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

    /// <summary>An executor on a session of its own.</summary>
    IBatchExecutor CreateExecutor();
}

/// <summary>Opens run sessions (SQL Server for real, fakes in tests).</summary>
public interface IRunEnvironment
{
    /// <summary>Connects to the database of <paramref name="connectionString"/>.</summary>
    Task<IRunSession> ConnectAsync(string connectionString, CancellationToken cancellationToken);
}
