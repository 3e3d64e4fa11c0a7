using CrmDb.Clr;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>
/// The scripts of a started run, in order: the journal filter decides for each, the script
/// runner runs it, the report records how it ended; a stop (:on error exit, EXIT, Ctrl+C, a log
/// that cannot be written) lists the scripts after it as not run. Ends with the summary.
/// </summary>
public sealed class ScriptSequence(
    RunReport report, ScriptRunner runner, IScriptJournal journal, GesComLocation? location, RunRequest request, Action<string?> running)
{
    private static readonly Localizer Text = new("Run");

    /// <summary>Runs <paramref name="plans"/>; <paramref name="ignored"/> goes to the summary.</summary>
    public async Task<RunResult> RunAsync(IReadOnlyList<ScriptPlan> plans, IReadOnlyList<IgnoredEntry> ignored, CancellationToken cancellationToken)
    {
        var stop = RunStop.None;
        string? stoppedIn = null;
        for (int s = 0; s < plans.Count; s++)
        {
            var plan = plans[s];
            string name = plan.Script.Name;
            if (stop == RunStop.None && cancellationToken.IsCancellationRequested)
            {
                stop = RunStop.Interrupted;
                stoppedIn = s > 0 ? plans[s - 1].Script.Name : null;
            }

            if (stop != RunStop.None)
            {
                report.NotRun(name, Text["Why" + stop, stoppedIn ?? "-"]);
                continue;
            }

            long journalId;
            try
            {
                string checksum = plan.Checksum(location);
                var decision = await JournalFilter.DecideAsync(journal, request.Component, name, checksum, request.Force, cancellationToken).ConfigureAwait(false);
                if (!decision.Runs)
                {
                    report.Skipped(s + 1, plans.Count, name, decision.SucceededAt!);
                    continue;
                }

                journalId = await report.ScriptStartedAsync(
                    journal, new JournalStart(request.Component, name, checksum, plan.BatchCount, RunOrchestrator.ToolVersion, report.Log.Path),
                    s + 1, plans.Count, plan.BatchCount, decision.Reason, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                stop = RunStop.Interrupted;
                stoppedIn = name;
                report.NotRun(name, Text["WhyInterrupted", name]);
                continue;
            }
            catch (RunSessionException ex)
            {
                // The journal could not say what ran: nothing more runs (the script did not start).
                report.Failure(name, name, Text["JournalStartFailed", name, ex.Message]);
                stop = RunStop.ControlFailed;
                stoppedIn = name;
                continue;
            }

            running(name);
            var outcome = await runner.RunAsync(plan, s + 1, plans.Count, cancellationToken).ConfigureAwait(false);
            try
            {
                await report.ScriptEndedAsync(journal, journalId, name, outcome).ConfigureAwait(false);
            }
            catch (RunSessionException ex)
            {
                report.Failure(name, name, Text["JournalFinishFailed", name, ex.Message]);
                if (stop == RunStop.None)
                {
                    stop = RunStop.ControlFailed;
                    stoppedIn = name;
                }
            }

            running(null);
            if (outcome.Stop != RunStop.None && stop == RunStop.None)
            {
                stop = outcome.Stop;
                stoppedIn = name;
            }
        }

        int exitCode = report.Summary(plans.Count, stop, stoppedIn, ignored, request.Component);
        return new RunResult(exitCode, report.Log.Path, report.Failures, report.ScriptsRun, report.ScriptsSkipped, report.BatchesRun);
    }
}
