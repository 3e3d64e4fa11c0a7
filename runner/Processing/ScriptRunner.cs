using CrmDb.Clr;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>
/// Runs one script on its own session: reads it again, batch by batch, checks each batch is the
/// one planned (what runs is what is journaled), runs it, and says how the script ended. The
/// running batch is cancelled on the server when the token is; the transaction it leaves open is
/// rolled back by <see cref="IBatchExecutor.EndScriptAsync"/>, which runs whatever the token says.
/// </summary>
public sealed class ScriptRunner(IRunSession session, BatchReaderOptions readerOptions, GesComLocation? location, RunReport report, RunConsole console, SessionSettings settings)
{
    /// <summary>How one batch (all its GO n executions) ended.</summary>
    private enum BatchResult
    {
        Succeeded,
        Failed,
        ConnectionLost,
    }

    private static readonly Localizer Text = new("Run");

    /// <summary>Runs <paramref name="plan"/>, script <paramref name="position"/> of <paramref name="total"/>.</summary>
    public async Task<ScriptOutcome> RunAsync(ScriptPlan plan, int position, int total, CancellationToken cancellationToken)
    {
        string name = plan.Script.Name;
        int failedBatches = 0;
        var stop = RunStop.None;
        bool changed = false;
        // No idle session of crmdb's stays in the database while the script runs (it may need it to itself).
        session.ReleaseIdleSessions();
        await using var executor = session.CreateExecutor(settings);
        try
        {
            await executor.BeginScriptAsync(cancellationToken).ConfigureAwait(false);
            int read = 0;
            foreach (var batch in new BatchReader(readerOptions).Read(plan.Script.Path))
            {
                if (batch.EndsRun)
                {
                    changed = !plan.EndsRun || read != plan.BatchCount;
                    stop = changed ? RunStop.None : RunStop.Exit;
                    break;
                }

                // Hashed as read for this run: a batch that is not the one planned never runs.
                if (read >= plan.BatchCount || !ScriptPlanner.Digest(batch).AsSpan().SequenceEqual(plan.BatchDigests[read]))
                {
                    changed = true;
                    break;
                }

                read++;
                console.Progress(position, total, batch.Index, plan.BatchCount);
                var result = await RunBatchAsync(name, plan.BatchCount, batch, executor, cancellationToken).ConfigureAwait(false);
                if (result != BatchResult.Succeeded)
                {
                    failedBatches++;
                    if (batch.ExitOnError)
                    {
                        stop = RunStop.OnErrorExit;
                        report.Stopping(Text["OnErrorExit", name]);
                        break;
                    }
                }

                if (result == BatchResult.ConnectionLost)
                {
                    // Its transaction, #temp tables and USE context are gone: the rest of the
                    // script would run on a session that is not the one it was written for.
                    report.Stopping(Text["ConnectionLostScriptStops", name]);
                    break;
                }

                if (report.Log.Fault is not null)
                {
                    stop = RunStop.LogFault;
                    break;
                }
            }

            if (!changed && stop == RunStop.None && (read != plan.BatchCount || plan.EndsRun))
            {
                changed = true;
            }
        }
        catch (RunSessionException ex)
        {
            // The script's session could not be opened or set up (SET QUOTED_IDENTIFIER OFF).
            failedBatches++;
            report.Failure(name, name, ex.Message);
        }
        catch (BatchScriptException ex)
        {
            // The file became unreadable or wrong since the first pass.
            failedBatches++;
            report.Failure(name, RunReport.Place(ex.File, ex.Line), ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stop = RunStop.Interrupted;
        }
        finally
        {
            console.EndProgress();
        }

        if (stop == RunStop.LogFault)
        {
            // Its evidence is lost and its batches after this one did not run: not done.
            failedBatches = Math.Max(failedBatches, 1);
        }

        if (changed)
        {
            failedBatches = Math.Max(failedBatches, 1);
            report.Failure(name, name, Text["ScriptChanged", name]);
        }

        failedBatches += await EndAsync(executor, name).ConfigureAwait(false);
        string status = stop == RunStop.Interrupted ? JournalEntry.Interrupted
            : failedBatches == 0 ? JournalEntry.Success
            : JournalEntry.Failed;
        return new ScriptOutcome(status, failedBatches, stop);
    }

    /// <summary>Rolls back what the script left open; 1 when it left something (a failure), else 0.</summary>
    private async Task<int> EndAsync(IBatchExecutor executor, string name)
    {
        try
        {
            int open = await executor.EndScriptAsync(CancellationToken.None).ConfigureAwait(false);
            if (open == 0)
            {
                return 0;
            }

            report.Failure(name, name, Text["TransactionLeftOpen", name, open], Text["TransactionLeftOpen", name, open]);
            return 1;
        }
        catch (RunSessionException ex)
        {
            // The check failed or timed out: the session is closed, and the server rolls back
            // what it still held open when it ends.
            report.Failure(name, name, Text["EndCheckFailedScript", name, ex.Message]);
            return 1;
        }
    }

    /// <summary>Runs one batch (n times for GO n); says how it ended.</summary>
    private async Task<BatchResult> RunBatchAsync(string script, int batches, Batch batch, IBatchExecutor executor, CancellationToken cancellationToken)
    {
        string sql = location is null ? batch.Text : TokenExpander.Expand(batch.Text, location);
        string shown = location is null ? batch.ShownText : TokenExpander.Expand(batch.ShownText, location);
        report.BatchStarting(batch, batches, shown);
        var listener = report.Listener(script, batch);
        var result = BatchResult.Succeeded;
        var total = TimeSpan.Zero;
        long rows = 0;
        int errors = 0;
        try
        {
            for (int repeat = 0; repeat < batch.Count; repeat++)
            {
                var outcome = await executor.ExecuteAsync(sql, listener, cancellationToken).ConfigureAwait(false);
                total += outcome.Duration;
                rows += outcome.Rows;
                errors += outcome.Errors.Count;
                if (outcome.End == BatchEnd.TimedOut)
                {
                    // Cancelled by SqlClient on the server, not a server error.
                    report.LogLine(Text["BatchTimedOutMark"]);
                    report.Failure(script, RunReport.Place(batch.File, batch.StartLine), Text["BatchTimedOut", Path.GetFileName(batch.File), batch.Index, batch.StartLine]);
                }

                if (outcome.End == BatchEnd.ConnectionLost)
                {
                    report.LogLine(Text["ConnectionLostMark"]);
                    report.Failure(script, RunReport.Place(batch.File, batch.StartLine), Text["ConnectionLost", Path.GetFileName(batch.File), batch.Index, batch.StartLine]);
                    result = BatchResult.ConnectionLost;
                    break;
                }

                if (outcome.Failed)
                {
                    result = BatchResult.Failed;
                    if (batch.ExitOnError)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report.LogLine(Text["BatchCancelled"]);
            report.BatchEnded(total, rows, errors);
            throw;
        }

        report.BatchEnded(total, rows, errors);
        return result;
    }
}
