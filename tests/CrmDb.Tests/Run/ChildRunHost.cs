using System.CommandLine;
using System.Globalization;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Commands;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>
/// The entry point of this test assembly, started as a child process by the tests that need a
/// real crmdb run process (signals, two processes, another user): <c>dotnet CrmDb.Tests.dll
/// run-host JOURNAL MODE crmdb-run-arguments...</c> runs crmdb run exactly as the crmdb
/// executable does (CrmDbApp.InvokeAsync), with a fake database where the server would be. The
/// journal is written to the file JOURNAL (one line per row, "script|status|failedBatches"), so
/// the test can read what a server would hold. A batch holding WAITFOR blocks: in MODE
/// "cancellable" until the run's token is cancelled (as SqlClient cancels a running command), in
/// MODE "stuck" for ever (a server that does not answer the cancel); JOURNAL.blocked is written
/// when it starts blocking.
/// </summary>
public static class ChildRunHost
{
    /// <summary>The verb word.</summary>
    public const string Verb = "run-host";

    /// <summary>Runs the child; vstest never calls it.</summary>
    public static int Main(string[] args)
    {
        if (args.Length < 3 || args[0] != Verb)
        {
            Console.Error.WriteLine($"usage: {Verb} JOURNAL cancellable|stuck crmdb-run-arguments...");
            return ExitCodes.BadInput;
        }

        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr");
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.CurrentUICulture;
        var context = CliContext.FromConsole();
        var environment = new FileBackedEnvironment(args[1], stuck: args[2] == "stuck");
        var root = new RootCommand { RunCommand.Create(context, environment, TimeProvider.System) };
        var parseResult = root.Parse(args[3..]);
        return CrmDbApp.InvokeAsync(parseResult, context).GetAwaiter().GetResult();
    }

    private sealed class FileBackedEnvironment(string journalFile, bool stuck) : IRunEnvironment, IRunSession, IScriptJournal, IBatchExecutor
    {
        private readonly List<(string Script, string Status, int Failed)> rows = [];

        public ServerFacts Facts { get; } = new("DOMAINE\\integrateur", "SRV-CRM", "CRM", "SRV-CRM");

        public IScriptJournal Journal => this;

        public Task<IRunSession> ConnectAsync(string connectionString, CancellationToken cancellationToken) => Task.FromResult<IRunSession>(this);

        public Task<bool> TryLockAsync(string component, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<(string Server, string Database)?> ReadIntegrationAsync(int id, CancellationToken cancellationToken) =>
            Task.FromResult<(string, string)?>(null);

        public Task<bool> JournalExistsAsync(CancellationToken cancellationToken) => Task.FromResult(true);

        public IBatchExecutor CreateExecutor(SessionSettings settings) => this;

        public void ReleaseIdleSessions()
        {
        }

        public Task<JournalEntry?> LastAsync(string component, string script, CancellationToken cancellationToken) => Task.FromResult<JournalEntry?>(null);

        public Task<long> StartAsync(JournalStart start, CancellationToken cancellationToken)
        {
            rows.Add((start.Script, JournalEntry.Running, 0));
            Save();
            return Task.FromResult((long)rows.Count);
        }

        public Task FinishAsync(long id, string status, int failedBatches, CancellationToken cancellationToken)
        {
            rows[(int)id - 1] = rows[(int)id - 1] with { Status = status, Failed = failedBatches };
            Save();
            return Task.CompletedTask;
        }

        public Task BeginScriptAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task<BatchOutcome> ExecuteAsync(string sql, IBatchListener listener, CancellationToken cancellationToken)
        {
            if (sql.Contains("WAITFOR", StringComparison.OrdinalIgnoreCase))
            {
                File.WriteAllText(journalFile + ".blocked", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
                await Task.Delay(Timeout.Infinite, stuck ? CancellationToken.None : cancellationToken).ConfigureAwait(false);
            }

            listener.Message(new ServerMessage(0, 0, 1, 1, null, "ok: " + sql.Split('\n')[0]));
            return new BatchOutcome([], 0, TimeSpan.FromMilliseconds(1));
        }

        public Task<int> EndScriptAsync(CancellationToken cancellationToken) => Task.FromResult(0);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void Save()
        {
            string temporary = journalFile + ".tmp";
            File.WriteAllLines(temporary, rows.Select(r => $"{r.Script}|{r.Status}|{r.Failed}"));
            File.Move(temporary, journalFile, overwrite: true);
        }
    }
}
