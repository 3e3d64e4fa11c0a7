using System.Globalization;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>Why the run stopped before its last script.</summary>
public enum RunStop
{
    /// <summary>It did not: every script was considered.</summary>
    None,

    /// <summary>A batch failed under :on error exit.</summary>
    OnErrorExit,

    /// <summary>EXIT or QUIT in a script.</summary>
    Exit,

    /// <summary>Ctrl+C or SIGTERM.</summary>
    Interrupted,

    /// <summary>The log could not be written any more.</summary>
    LogFault,

    /// <summary>A command of crmdb's own on the control session (journal, lock) failed: the run cannot vouch for what follows.</summary>
    ControlFailed,
}

/// <summary>How one script ended: its journal status, its failed batches, and whether the run goes on.</summary>
public sealed record ScriptOutcome(string Status, int FailedBatches, RunStop Stop);

/// <summary>
/// The one place a run reports to: the console, the bachsql log, the failure list of the
/// summary and the journal, together, so that none of them can say something the others do not.
/// Every line goes through the secret mask. Server messages come in through <see cref="Listener"/>.
/// </summary>
public sealed class RunReport(RunConsole console, RunLog log, SecretMask mask, TimeProvider time, long startedTimestamp)
{
    private static readonly Localizer Text = new("Run");
    private readonly List<RunFailure> failures = [];

    // Modules created by a batch of this run, by name: their errors are at lines of that batch.
    private readonly Dictionary<string, Batch> modules = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The log.</summary>
    public RunLog Log => log;

    /// <summary>What failed, in order.</summary>
    public IReadOnlyList<RunFailure> Failures => failures;

    /// <summary>Scripts that ran.</summary>
    public int ScriptsRun { get; private set; }

    /// <summary>Scripts the journal filter skipped.</summary>
    public int ScriptsSkipped { get; private set; }

    /// <summary>Batches sent to the server (a GO n batch counts once).</summary>
    public int BatchesRun { get; private set; }

    /// <summary>A line for the console and the log.</summary>
    public void Info(string text)
    {
        string shown = mask.Apply(text);
        console.Out(shown);
        log.Line(shown);
    }

    /// <summary>A line for the log only.</summary>
    public void LogLine(string text = "") => log.Line(mask.Apply(text));

    /// <summary>A failure: on the error output, in the log, in the summary.</summary>
    public void Failure(string script, string place, string message, string? logText = null)
    {
        string shown = mask.Apply(message);
        console.Error(Text["ErrorPrefixInput", shown]);
        log.Line(mask.Apply(logText ?? Text["ErrorPrefixInput", message]));
        failures.Add(new RunFailure(script, place, shown));
    }

    /// <summary>Why the run stops here (not a failure of its own): on the error output and in the log.</summary>
    public void Stopping(string text)
    {
        string shown = mask.Apply(text);
        console.Error(shown);
        log.Line(shown);
    }

    /// <summary>The journal filter skipped a script.</summary>
    public void Skipped(int position, int total, string script, string when)
    {
        ScriptsSkipped++;
        Info(Text["ScriptSkipped", position, total, script, when]);
        log.Line();
        log.Flush();
    }

    /// <summary>A script starts: console, log, and its journal row ('running'); returns the row's id.</summary>
    public async Task<long> ScriptStartedAsync(IScriptJournal journal, JournalStart start, int position, int total, int batches, string reason, CancellationToken cancellationToken)
    {
        ScriptsRun++;
        console.Out(Text["ScriptStart", position, total, start.Script, batches, reason]);
        log.Line(Text["LogScript", position, total, start.Script, batches, start.Checksum]);
        log.Line(Text["LogReason", reason]);
        log.Flush();
        return await journal.StartAsync(start, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A script ended: its journal row, its log line. The journal is written whatever the token says.</summary>
    public async Task ScriptEndedAsync(IScriptJournal journal, long journalId, string script, ScriptOutcome outcome)
    {
        await journal.FinishAsync(journalId, outcome.Status, outcome.FailedBatches, CancellationToken.None).ConfigureAwait(false);
        log.Line(Text["LogScriptEnd", script, outcome.Status]);
        log.Line();
        log.Flush();
    }

    /// <summary>A batch is about to run: its header and text, flushed (a batch that hangs or kills the process is in the log).</summary>
    public void BatchStarting(Batch batch, int batches, string shownText)
    {
        log.Line(Text["LogBatch", batch.Index, batches, Place(batch.File, batch.StartLine), batch.Count, Now()]);
        log.Block(mask.Apply(shownText));
        if (ModuleBatch.Name(batch.Text) is string module)
        {
            modules[module] = batch;
        }

        BatchesRun++;
        log.Line(Text["LogOutputMark"]);

        // The log guarantee of a real run (a dry run runs nothing: it is flushed at the end).
        log.Flush();
    }

    /// <summary>A batch ended.</summary>
    public void BatchEnded(TimeSpan duration, long rows, int errors)
    {
        log.Line(Text["LogBatchEnd", (long)duration.TotalMilliseconds, rows, errors]);
        log.Line();
        log.Flush();
    }

    /// <summary>The server-message stream of a batch: to the console and the log as they come, errors to the summary too.</summary>
    public IBatchListener Listener(string script, Batch batch) => new MessageStream(this, script, batch);

    /// <summary>A script that the run did not reach.</summary>
    public void NotRun(string script, string why) => log.Line(Text["LogNotRun", script, why]);

    /// <summary>Writes the summary with end time, duration and exit code; returns the exit code.</summary>
    public int Summary(int scripts, RunStop stop, string? stoppedIn, IReadOnlyList<IgnoredEntry> ignored, string component)
    {
        if (log.Fault is { } fault)
        {
            failures.Add(new RunFailure(string.Empty, log.Path, RunFileException.Describe(fault, log.Path)));
        }

        int exitCode = stop == RunStop.Interrupted ? ExitCodes.Interrupted
            : failures.Count > 0 ? ExitCodes.ProcessingErrors
            : ExitCodes.Success;
        var lines = new List<string>
        {
            Text["SummaryTitle"],
            Text["SummaryCounts", scripts, ScriptsRun, ScriptsSkipped, scripts - ScriptsRun - ScriptsSkipped, BatchesRun],
        };
        lines.AddRange(ignored.Select(i => Text["SummaryIgnored", i.Path, i.Reason]));
        switch (stop)
        {
            case RunStop.Interrupted:
                lines.Add(Text["SummaryInterrupted", stoppedIn ?? "-"]);
                break;
            case RunStop.Exit:
                lines.Add(Text["SummaryExit", stoppedIn ?? "-"]);
                break;
            case RunStop.ControlFailed:
                lines.Add(Text["SummaryControlFailed", stoppedIn ?? "-"]);
                break;
        }

        if (failures.Count == 0)
        {
            lines.Add(Text["SummarySuccess"]);
        }
        else
        {
            lines.Add(Text["SummaryFailures", failures.Count]);
            lines.AddRange(failures.Select(f => Text["SummaryFailure", f.Place, f.Message]));
        }

        lines.Add(Text["SummaryLog", log.Path]);
        if (exitCode != ExitCodes.Success)
        {
            lines.Add(Text["SummaryRerun", component]);
        }

        lines.Add(Ending(exitCode));
        foreach (string line in lines)
        {
            string shown = mask.Apply(line);
            log.Line(shown);
            if (exitCode == ExitCodes.Success)
            {
                console.Out(shown);
            }
            else
            {
                console.Error(shown);
            }
        }

        log.Flush();
        return exitCode;
    }

    /// <summary>
    /// The second Ctrl+C: under the log's lock, so that no other line can follow or cut it,
    /// the log gets its last lines; then <paramref name="exit"/> ends the process (still holding
    /// the lock: nothing more is written).
    /// </summary>
    public void Abort(string? runningScript, Action exit)
    {
        lock (log.Gate)
        {
            string message = Text["AbortedNow", runningScript ?? "-"];
            log.Line();
            log.Line(Text["SummaryTitle"]);
            log.Line(message);
            log.Line(Ending(ExitCodes.Interrupted));
            log.Flush();
            console.Error(message);
            exit();
        }
    }

    /// <summary>"file, line N" (or just the file for line 0).</summary>
    public static string Place(string file, int line) =>
        line > 0 ? Text["Place", Path.GetFileName(file), line] : Path.GetFileName(file);

    private string Now() => time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private string Ending(int exitCode)
    {
        var elapsed = time.GetElapsedTime(startedTimestamp);
        return Text["LogEnded", time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
            elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture), exitCode];
    }

    /// <summary>Shows and logs what the server sends while a batch runs.</summary>
    private sealed class MessageStream(RunReport report, string script, Batch batch) : IBatchListener
    {
        private readonly bool dynamicSql = ModuleBatch.RunsDynamicSql(batch.Text);

        public void Message(ServerMessage message)
        {
            if (!message.IsError)
            {
                string shown = report.Mask.Apply(message.Text);
                report.Console.Out(shown);
                report.Log.Block(shown, "   ");
                return;
            }

            string where;
            if (message.Procedure is null)
            {
                var (file, line) = batch.Locate(message.LineNumber);
                where = string.Equals(file, batch.File, StringComparison.Ordinal)
                    ? Text["ErrorWhere", Path.GetFileName(batch.File), batch.Index, batch.StartLine, line, message.LineNumber]
                    : Text["ErrorWhereIncluded", Path.GetFileName(batch.File), batch.Index, batch.StartLine, Place(file, line), message.LineNumber];
                if (dynamicSql)
                {
                    where = Text["ErrorWhereDynamic", where, message.LineNumber];
                }
            }
            else if (report.modules.TryGetValue(message.Procedure, out var definition))
            {
                // The module's lines are its defining batch's lines.
                var (file, line) = definition.Locate(message.LineNumber);
                where = Text["ErrorWhereModule", Path.GetFileName(batch.File), batch.Index, batch.StartLine, message.Procedure, Place(file, line), message.LineNumber];
            }
            else
            {
                where = Text["ErrorWhereProcedure", Path.GetFileName(batch.File), batch.Index, batch.StartLine, message.Procedure, message.LineNumber];
            }

            string text = report.Mask.Apply(Text["ErrorServer", where, message.Number, message.Class, message.State, message.Text]);
            report.Console.Error(text);
            report.Log.Line("!! " + text);
            report.failures.Add(new RunFailure(script, where, report.Mask.Apply(Text["ErrorShort", message.Number, message.Text])));
        }

        public void Rows(int count) => report.Log.Line(Text["LogRows", count]);
    }

    private RunConsole Console => console;

    private SecretMask Mask => mask;
}
