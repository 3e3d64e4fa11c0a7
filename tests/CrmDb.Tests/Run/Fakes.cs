using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>A clock fixed at a date, in UTC, whose stopwatch never moves (durations are 0 however slow the machine).</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override long GetTimestamp() => 0;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}

/// <summary>The journal in memory.</summary>
internal sealed class FakeJournal : IScriptJournal
{
    public List<(long Id, string Component, string Script, string Checksum, string Status, int FailedBatches)> Rows { get; } = [];

    /// <summary>When set, StartAsync of that script fails as a control command does (timeout, lost session).</summary>
    public Func<string, RunSessionException?> StartFails { get; set; } = _ => null;

    /// <summary>When set, FinishAsync of that row id fails; the row stays as it was.</summary>
    public Func<long, RunSessionException?> FinishFails { get; set; } = _ => null;

    public Task<JournalEntry?> LastAsync(string component, string script, CancellationToken cancellationToken)
    {
        var row = Rows.LastOrDefault(r => string.Equals(r.Component, component, StringComparison.OrdinalIgnoreCase) && r.Script == script);
        return Task.FromResult(row.Id == 0 ? null : new JournalEntry(row.Status, row.Checksum, new DateTime(2026, 1, 2, 3, 4, 0)));
    }

    public Task<long> StartAsync(JournalStart start, CancellationToken cancellationToken)
    {
        if (StartFails(start.Script) is { } failure)
        {
            throw failure;
        }

        long id = Rows.Count + 1;
        Rows.Add((id, start.Component, start.Script, start.Checksum, JournalEntry.Running, 0));
        return Task.FromResult(id);
    }

    public Task FinishAsync(long id, string status, int failedBatches, CancellationToken cancellationToken)
    {
        if (FinishFails(id) is { } failure)
        {
            throw failure;
        }

        int i = Rows.FindIndex(r => r.Id == id);
        Rows[i] = Rows[i] with { Status = status, FailedBatches = failedBatches };
        return Task.FromResult(0);
    }
}

/// <summary>
/// Runs nothing: answers each batch with the messages <see cref="Respond"/> gives for its text,
/// and records what it was asked to run.
/// </summary>
internal sealed class FakeExecutor : IBatchExecutor
{
    public List<string> Executed { get; } = [];

    public int ScriptsBegun { get; private set; }

    public Func<string, IReadOnlyList<ServerMessage>> Respond { get; set; } = _ => [];

    public Action<string>? OnExecute { get; set; }

    public int OpenTransactionsAtEnd { get; set; }

    /// <summary>How each batch ends (a timeout, a lost session), by its text; completed by default.</summary>
    public Func<string, BatchEnd> EndFor { get; set; } = _ => BatchEnd.Completed;

    /// <summary>When set, EndScriptAsync fails with it (the end-of-script check timed out, say).</summary>
    public RunSessionException? EndScriptFailure { get; set; }

    /// <summary>True once a batch lost the session: what comes after runs on nothing, as with SqlBatchExecutor.</summary>
    public bool SessionLost { get; private set; }

    public int ScriptsEnded { get; private set; }

    public Task BeginScriptAsync(CancellationToken cancellationToken)
    {
        SessionLost = false;
        ScriptsBegun++;
        return Task.CompletedTask;
    }

    public Task<BatchOutcome> ExecuteAsync(string sql, IBatchListener listener, CancellationToken cancellationToken)
    {
        if (SessionLost)
        {
            return Task.FromResult(new BatchOutcome([], 0, TimeSpan.Zero, BatchEnd.ConnectionLost));
        }

        Executed.Add(sql);
        OnExecute?.Invoke(sql);
        var messages = Respond(sql);
        foreach (var message in messages)
        {
            listener.Message(message);
        }

        var end = EndFor(sql);
        SessionLost = end == BatchEnd.ConnectionLost;
        if (end == BatchEnd.Completed)
        {
            listener.Rows(1);
        }

        return Task.FromResult(new BatchOutcome(messages.Where(m => m.IsError).ToList(), end == BatchEnd.Completed ? 1 : 0, TimeSpan.FromMilliseconds(5), end));
    }

    public Task<int> EndScriptAsync(CancellationToken cancellationToken)
    {
        ScriptsEnded++;
        if (EndScriptFailure is { } failure)
        {
            throw failure;
        }

        // A lost session was rolled back by the server when it ended: nothing is left open.
        return Task.FromResult(SessionLost ? 0 : OpenTransactionsAtEnd);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A database in memory: lock, integrations, journal, one executor.</summary>
internal sealed class FakeSession : IRunSession, IRunEnvironment
{
    public FakeJournal FakeJournal { get; } = new();

    public FakeExecutor Executor { get; } = new();

    public bool LockFree { get; set; } = true;

    public bool HasJournalTable { get; set; } = true;

    public Dictionary<int, (string Server, string Database)> Integrations { get; } = [];

    public int Connections { get; private set; }

    public ServerFacts Facts { get; } = new("DOMAINE\\integrateur", "SRV-CRM", "CRM", "SRV-CRM");

    public IScriptJournal Journal => FakeJournal;

    public Action? OnConnect { get; set; }

    public Task<IRunSession> ConnectAsync(string connectionString, CancellationToken cancellationToken)
    {
        OnConnect?.Invoke();
        Connections++;
        return Task.FromResult<IRunSession>(this);
    }

    public Task<bool> TryLockAsync(string component, CancellationToken cancellationToken) => Task.FromResult(LockFree);

    public Task<(string Server, string Database)?> ReadIntegrationAsync(int id, CancellationToken cancellationToken) =>
        Task.FromResult(Integrations.TryGetValue(id, out var row) ? row : ((string, string)?)null);

    public Task<bool> JournalExistsAsync(CancellationToken cancellationToken) => Task.FromResult(HasJournalTable);

    public List<SessionSettings> ExecutorSettings { get; } = [];

    public int IdleSessionReleases { get; private set; }

    /// <summary>What happened, in order: "release", "executor", "journal start"... (pins where idle sessions are released).</summary>
    public List<string> Events { get; } = [];

    public IBatchExecutor CreateExecutor(SessionSettings settings)
    {
        Events.Add("executor");
        ExecutorSettings.Add(settings);
        return Executor;
    }

    public void ReleaseIdleSessions()
    {
        Events.Add("release");
        IdleSessionReleases++;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A folder of scripts and a log folder for one test, and runs of the orchestrator on a fake database.</summary>
internal sealed class RunFixture : IDisposable
{
    public static readonly DateTimeOffset Today = new(2026, 3, 7, 9, 30, 0, TimeSpan.Zero);

    public RunFixture()
    {
        Root = Directory.CreateTempSubdirectory("crmdb-run-").FullName;
        Scripts = Directory.CreateDirectory(Path.Combine(Root, "scripts")).FullName;
        Logs = Path.Combine(Root, "logs");
    }

    public string Root { get; }

    public string Scripts { get; }

    public string Logs { get; }

    public FakeSession Database { get; } = new();

    public string Write(string name, string text)
    {
        string path = Path.Combine(Scripts, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string LogPath(string component) => Path.Combine(Logs, BachsqlLogFiles.FileName(component, Today.DateTime));

    public string ReadLog(string component)
    {
        using var stream = new FileStream(LogPath(component), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>Runs; out and error go to one writer (so their order shows) unless <paramref name="error"/> is given.</summary>
    public (RunResult Result, string Output) Run(RunRequest request, bool interactive = false, StringWriter? error = null)
    {
        // Messages are checked in French, the default language, whatever other tests set.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");
        var output = new StringWriter();
        var context = new CliContext(TextReader.Null, output, error ?? output, interactive);
        var result = new RunOrchestrator(context, Database, new FixedTime(Today)).RunAsync(request, CancellationToken.None).GetAwaiter().GetResult();
        return (result, output.ToString());
    }

    public RunRequest Request(string component = "CRMPLUS", params string[] paths) => new()
    {
        Component = component,
        Paths = paths.Length == 0 ? [Scripts] : paths,
        LogDirectory = Logs,
        ConnectionString = "Server=fake;Database=CRM",
        OptionsText = "--test",
    };

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
