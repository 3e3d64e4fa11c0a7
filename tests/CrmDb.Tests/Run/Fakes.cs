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

    public Task<JournalEntry?> LastAsync(string component, string script, CancellationToken cancellationToken)
    {
        var row = Rows.LastOrDefault(r => string.Equals(r.Component, component, StringComparison.OrdinalIgnoreCase) && r.Script == script);
        return Task.FromResult(row.Id == 0 ? null : new JournalEntry(row.Status, row.Checksum, new DateTime(2026, 1, 2, 3, 4, 0)));
    }

    public Task<long> StartAsync(JournalStart start, CancellationToken cancellationToken)
    {
        long id = Rows.Count + 1;
        Rows.Add((id, start.Component, start.Script, start.Checksum, JournalEntry.Running, 0));
        return Task.FromResult(id);
    }

    public Task FinishAsync(long id, string status, int failedBatches, CancellationToken cancellationToken)
    {
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

    public Task BeginScriptAsync(CancellationToken cancellationToken)
    {
        ScriptsBegun++;
        return Task.CompletedTask;
    }

    public Task<BatchOutcome> ExecuteAsync(string sql, IBatchListener listener, CancellationToken cancellationToken)
    {
        Executed.Add(sql);
        OnExecute?.Invoke(sql);
        var messages = Respond(sql);
        foreach (var message in messages)
        {
            listener.Message(message);
        }

        listener.Rows(1);
        return Task.FromResult(new BatchOutcome(messages.Where(m => m.IsError).ToList(), 1, TimeSpan.FromMilliseconds(5)));
    }

    public Task<int> EndScriptAsync(CancellationToken cancellationToken) => Task.FromResult(OpenTransactionsAtEnd);

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

    public IBatchExecutor CreateExecutor() => Executor;

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
