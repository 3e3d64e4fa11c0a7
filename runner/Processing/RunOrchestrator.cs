using System.Globalization;
using System.Reflection;
using CrmDb.Clr;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>
/// crmdb run, as a pipeline of small parts (DbUp's shape): the script source, a first pass that
/// splits and checks every script, the component lock, the journal filter, the executor, the
/// bachsql log and the console. SQL errors never throw out of it: each is shown at once, logged,
/// and the run goes on (docs/design.md decision 8) unless the script said <c>:on error exit</c>; the
/// result says what failed.
/// </summary>
public sealed class RunOrchestrator(CliContext context, IRunEnvironment environment, TimeProvider time)
{
    private static readonly Localizer Text = new("Run");

    /// <summary>The tool version written in the log and the journal.</summary>
    public static string ToolVersion { get; } =
        typeof(RunOrchestrator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(RunOrchestrator).Assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>Runs <paramref name="request"/>.</summary>
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var scripts = ScriptSource.Resolve(request.Paths);
        Directory.CreateDirectory(request.LogDirectory);
        var earlierLogs = BachsqlLogFiles.Find(request.LogDirectory, request.Component);
        using var console = new RunConsole(context, time);

        // Another run of the component in this log folder keeps its log open: stop before changing anything.
        if (BachsqlLogFiles.FindInUse(earlierLogs) is string busy)
        {
            console.Error(Text["LogInUse", request.Component, busy]);
            return new RunResult(ExitCodes.ProcessingErrors, null, [], 0, 0, 0);
        }

        GesComLocation? location = request.GesComDatabase is null
            ? null
            : CreateLocation(request.GesComServer, request.GesComDatabase, null);
        var readerOptions = new BatchReaderOptions { Variables = request.Variables, SubstituteVariables = request.SubstituteVariables, Open = ScriptText.Opener(request.InputEncoding) };
        var plans = ScriptPlanner.Plan(scripts, readerOptions, tokensAllowed: location is not null || request.Integration is not null);
        bool planFailed = plans.Any(p => p.Error is not null);

        IRunSession? session = null;
        try
        {
            bool needSession = !planFailed && (!request.DryRun || (request.Integration is not null && location is null));
            if (needSession)
            {
                session = await environment.ConnectAsync(request.ConnectionString!, cancellationToken).ConfigureAwait(false);
                if (!request.DryRun && !await session.TryLockAsync(request.Component, cancellationToken).ConfigureAwait(false))
                {
                    console.Error(Text["AlreadyRunning", request.Component, session.Facts.Database]);
                    return new RunResult(ExitCodes.ProcessingErrors, null, [], 0, 0, 0);
                }

                if (request.Integration is int id && location is null)
                {
                    var integration = await session.ReadIntegrationAsync(id, cancellationToken).ConfigureAwait(false)
                        ?? throw new UsageException(Text["IntegrationMissing", id, session.Facts.Database]);
                    location = CreateLocation(integration.Server, integration.Database, session.Facts.ServerName);
                }

                if (!request.DryRun && !await session.JournalExistsAsync(cancellationToken).ConfigureAwait(false))
                {
                    console.Error(Text["JournalMissing", session.Facts.Database]);
                    return new RunResult(ExitCodes.ProcessingErrors, null, [], 0, 0, 0);
                }
            }

            // The run is on: only now is the component's earlier log removed (docs/design.md decision 7).
            try
            {
                foreach (string old in earlierLogs)
                {
                    File.Delete(old);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Taken by another run between the check above and now, or not ours to delete.
                console.Error(Text["LogInUse", request.Component, ex.Message]);
                return new RunResult(ExitCodes.ProcessingErrors, null, [], 0, 0, 0);
            }

            string logPath = Path.Combine(request.LogDirectory, BachsqlLogFiles.FileName(request.Component, time.GetLocalNow().DateTime));
            using var log = RunLog.Create(logPath);
            WriteHeader(log, request, session?.Facts, location, scripts);

            if (planFailed)
            {
                return InputErrors(console, log, plans);
            }

            return request.DryRun
                ? DryRun(console, log, plans, readerOptions, location)
                : await RunScriptsAsync(console, log, plans, readerOptions, location, request, session!, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static GesComLocation CreateLocation(string? server, string database, string? localServer)
    {
        try
        {
            return GesComLocation.Create(server, database, localServer);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private void WriteHeader(RunLog log, RunRequest request, ServerFacts? facts, GesComLocation? location, IReadOnlyList<ScriptFile> scripts)
    {
        log.Line(Text["LogTitle", request.Component, request.DryRun ? Text["LogDryRunMark"] : string.Empty]);
        log.Line(Text["LogStarted", time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)]);
        log.Line(Text["LogTool", ToolVersion, Environment.MachineName]);
        log.Line(facts is null
            ? Text["LogNoConnection"]
            : Text["LogConnection", facts.Login, facts.Server, facts.Database]);
        log.Line(Text["LogOptions", request.OptionsText]);
        if (location is not null)
        {
            log.Line(Text["LogGesCom", location.Qualifier]);
        }

        log.Line(Text["LogScripts", scripts.Count, string.Join(", ", scripts.Select(s => s.Name))]);
        log.Line();
        log.Flush();
    }

    private RunResult InputErrors(RunConsole console, RunLog log, IReadOnlyList<ScriptPlan> plans)
    {
        var failures = new List<RunFailure>();
        foreach (var plan in plans.Where(p => p.Error is not null))
        {
            console.Error(Text["ErrorPrefixInput", plan.Error!.Message]);
            log.Line(Text["ErrorPrefixInput", plan.Error.Message]);
            failures.Add(new RunFailure(plan.Script.Name, Place(plan.Error.File, plan.Error.Line), plan.Error.Message));
        }

        log.Line();
        log.Line(Text["InputErrorsSummary", failures.Count]);
        log.Flush();
        console.Error(Text["InputErrorsSummary", failures.Count]);
        console.Error(Text["SummaryLog", log.Path]);
        return new RunResult(ExitCodes.BadInput, log.Path, failures, 0, 0, 0);
    }

    private RunResult DryRun(RunConsole console, RunLog log, IReadOnlyList<ScriptPlan> plans, BatchReaderOptions readerOptions, GesComLocation? location)
    {
        var failures = new List<RunFailure>();
        int batches = 0;
        for (int s = 0; s < plans.Count; s++)
        {
            var plan = plans[s];
            console.Out(Text["DryRunScript", s + 1, plans.Count, plan.Script.Name, plan.BatchCount]);
            log.Line(Text["LogScript", s + 1, plans.Count, plan.Script.Name, plan.BatchCount, plan.Checksum(location)]);
            try
            {
                foreach (var batch in new BatchReader(readerOptions).Read(plan.Script.Path))
                {
                    batches++;
                    log.Line(Text["LogBatchDryRun", batch.Index, plan.BatchCount, Place(batch.File, batch.StartLine), batch.Count]);
                    log.Block(location is null ? batch.Text : TokenExpander.Expand(batch.Text, location));
                    log.Line();
                    log.Flush();
                }
            }
            catch (BatchScriptException ex)
            {
                // The file changed since the first pass.
                console.Error(Text["ErrorPrefixInput", ex.Message]);
                log.Line(Text["ErrorPrefixInput", ex.Message]);
                failures.Add(new RunFailure(plan.Script.Name, Place(ex.File, ex.Line), ex.Message));
            }
        }

        log.Line(Text["DryRunSummary", plans.Count, batches]);
        log.Flush();
        console.Out(Text["DryRunSummary", plans.Count, batches]);
        console.Out(Text["SummaryLog", log.Path]);
        return new RunResult(failures.Count == 0 ? ExitCodes.Success : ExitCodes.BadInput, log.Path, failures, 0, 0, batches);
    }

    private async Task<RunResult> RunScriptsAsync(
        RunConsole console, RunLog log, IReadOnlyList<ScriptPlan> plans, BatchReaderOptions readerOptions,
        GesComLocation? location, RunRequest request, IRunSession session, CancellationToken cancellationToken)
    {
        var failures = new List<RunFailure>();
        int scriptsRun = 0;
        int skipped = 0;
        int batchesRun = 0;
        bool stop = false;
        for (int s = 0; s < plans.Count; s++)
        {
            var plan = plans[s];
            if (stop)
            {
                log.Line(Text["LogNotRun", plan.Script.Name]);
                continue;
            }

            string checksum = plan.Checksum(location);
            var last = await session.Journal.LastAsync(request.Component, plan.Script.Name, cancellationToken).ConfigureAwait(false);
            bool unchanged = last is { Status: JournalEntry.Success } && string.Equals(last.Checksum, checksum, StringComparison.OrdinalIgnoreCase);
            if (unchanged && !request.Force)
            {
                skipped++;
                string when = last!.StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                console.Out(Text["ScriptSkipped", s + 1, plans.Count, plan.Script.Name, when]);
                log.Line(Text["ScriptSkipped", s + 1, plans.Count, plan.Script.Name, when]);
                log.Line();
                log.Flush();
                continue;
            }

            string reason = request.Force ? Text["ReasonForced"]
                : last is null ? Text["ReasonNew"]
                : last.Status == JournalEntry.Success ? Text["ReasonChanged"]
                : Text["ReasonFailedBefore"];
            console.Out(Text["ScriptStart", s + 1, plans.Count, plan.Script.Name, plan.BatchCount, reason]);
            log.Line(Text["LogScript", s + 1, plans.Count, plan.Script.Name, plan.BatchCount, checksum]);
            log.Line(Text["LogReason", reason]);
            log.Flush();

            scriptsRun++;
            long journalId = await session.Journal.StartAsync(
                new JournalStart(request.Component, plan.Script.Name, checksum, plan.BatchCount, ToolVersion, log.Path), cancellationToken).ConfigureAwait(false);
            int failedBatches = 0;
            bool interrupted = false;
            await using (var executor = session.CreateExecutor())
            {
                try
                {
                    await executor.BeginScriptAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var batch in new BatchReader(readerOptions).Read(plan.Script.Path))
                    {
                        console.Progress(s + 1, plans.Count, batch.Index, plan.BatchCount);
                        batchesRun++;
                        bool failed = await RunBatchAsync(console, log, plan, batch, location, executor, failures, cancellationToken).ConfigureAwait(false);
                        if (failed)
                        {
                            failedBatches++;
                            if (batch.ExitOnError)
                            {
                                stop = true;
                                console.Error(Text["OnErrorExit", plan.Script.Name]);
                                log.Line(Text["OnErrorExit", plan.Script.Name]);
                                break;
                            }
                        }
                    }
                }
                catch (BatchScriptException ex)
                {
                    failedBatches++;
                    console.Error(Text["ErrorPrefixInput", ex.Message]);
                    log.Line(Text["ErrorPrefixInput", ex.Message]);
                    failures.Add(new RunFailure(plan.Script.Name, Place(ex.File, ex.Line), ex.Message));
                }
                catch (OperationCanceledException)
                {
                    interrupted = true;
                }
                finally
                {
                    console.EndProgress();
                }

                int open = await executor.EndScriptAsync(CancellationToken.None).ConfigureAwait(false);
                if (open > 0)
                {
                    failedBatches = Math.Max(failedBatches, 1);
                    string message = Text["TransactionLeftOpen", plan.Script.Name, open];
                    console.Error(message);
                    log.Line(message);
                    failures.Add(new RunFailure(plan.Script.Name, plan.Script.Name, message));
                }
            }

            // The control session writes the journal: nothing the script did can undo this row.
            await session.Journal.FinishAsync(journalId, failedBatches == 0 && !interrupted, failedBatches, CancellationToken.None).ConfigureAwait(false);
            log.Line(Text["LogScriptEnd", plan.Script.Name, failedBatches == 0 && !interrupted ? JournalEntry.Success : JournalEntry.Failed]);
            log.Line();
            log.Flush();
            if (interrupted)
            {
                string message = Text["Interrupted", plan.Script.Name];
                console.Error(message);
                log.Line(message);
                failures.Add(new RunFailure(plan.Script.Name, plan.Script.Name, message));
                stop = true;
            }
        }

        WriteSummary(console, log, plans.Count, scriptsRun, skipped, batchesRun, failures, request);
        return new RunResult(failures.Count == 0 ? ExitCodes.Success : ExitCodes.ProcessingErrors, log.Path, failures, scriptsRun, skipped, batchesRun);
    }

    private async Task<bool> RunBatchAsync(
        RunConsole console, RunLog log, ScriptPlan plan, Batch batch, GesComLocation? location,
        IBatchExecutor executor, List<RunFailure> failures, CancellationToken cancellationToken)
    {
        string sql = location is null ? batch.Text : TokenExpander.Expand(batch.Text, location);
        log.Line(Text["LogBatch", batch.Index, plan.BatchCount, Place(batch.File, batch.StartLine), batch.Count]);
        log.Block(sql);
        log.Line(Text["LogOutputMark"]);
        // Flushed before it runs too: a batch that hangs or kills the process is in the log.
        log.Flush();
        bool failed = false;
        var listener = new Listener(console, log, plan, batch, failures);
        var total = TimeSpan.Zero;
        long rows = 0;
        int errors = 0;
        for (int repeat = 0; repeat < batch.Count; repeat++)
        {
            var outcome = await executor.ExecuteAsync(sql, listener, cancellationToken).ConfigureAwait(false);
            total += outcome.Duration;
            rows += outcome.Rows;
            errors += outcome.Errors.Count;
            if (outcome.Failed)
            {
                failed = true;
                if (batch.ExitOnError)
                {
                    break;
                }
            }
        }

        log.Line(Text["LogBatchEnd", (long)total.TotalMilliseconds, rows, errors]);
        log.Line();
        log.Flush();
        return failed;
    }

    private void WriteSummary(RunConsole console, RunLog log, int scripts, int scriptsRun, int skipped, int batchesRun, List<RunFailure> failures, RunRequest request)
    {
        var lines = new List<string>
        {
            Text["SummaryTitle"],
            Text["SummaryCounts", scripts, scriptsRun, skipped, scripts - scriptsRun - skipped, batchesRun],
        };
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
        if (failures.Count > 0)
        {
            lines.Add(Text["SummaryRerun", request.Component]);
        }

        foreach (string line in lines)
        {
            log.Line(line);
            if (failures.Count == 0)
            {
                console.Out(line);
            }
            else
            {
                console.Error(line);
            }
        }

        log.Flush();
    }

    /// <summary>"file, line N" (or just the file for line 0).</summary>
    private static string Place(string file, int line) =>
        line > 0 ? Text["Place", Path.GetFileName(file), line] : Path.GetFileName(file);

    /// <summary>Shows and logs what the server sends while a batch runs.</summary>
    private sealed class Listener(RunConsole console, RunLog log, ScriptPlan plan, Batch batch, List<RunFailure> failures) : IBatchListener
    {
        public void Message(ServerMessage message)
        {
            if (!message.IsError)
            {
                console.Out(message.Text);
                log.Block(message.Text, "   ");
                return;
            }

            string where;
            if (message.Procedure is null)
            {
                var (file, line) = batch.Locate(message.LineNumber);
                where = string.Equals(file, batch.File, StringComparison.Ordinal)
                    ? Text["ErrorWhere", Path.GetFileName(batch.File), batch.Index, batch.StartLine, line, message.LineNumber]
                    : Text["ErrorWhereIncluded", Path.GetFileName(batch.File), batch.Index, batch.StartLine, Place(file, line), message.LineNumber];
            }
            else
            {
                where = Text["ErrorWhereProcedure", Path.GetFileName(batch.File), batch.Index, batch.StartLine, message.Procedure, message.LineNumber];
            }

            string text = Text["ErrorServer", where, message.Number, message.Class, message.State, message.Text];
            console.Error(text);
            log.Line("!! " + text);
            failures.Add(new RunFailure(plan.Script.Name, where, Text["ErrorShort", message.Number, message.Text]));
        }

        public void Rows(int count)
        {
            log.Line(Text["LogRows", count]);
        }
    }
}
