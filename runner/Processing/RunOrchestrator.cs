using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using CrmDb.Clr;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Processing;

/// <summary>
/// crmdb run, as a pipeline of small parts (DbUp's shape), each owning one guarantee:
/// the component lock (one run per component and log folder, <see cref="ComponentLock"/>),
/// the script source (<see cref="ScriptSource"/>), the plan (every script split and checked
/// before anything runs, <see cref="ScriptPlanner"/>), the log that replaces the last one only
/// once the run is on (<see cref="RunLog"/>), the journal filter (<see cref="JournalFilter"/>),
/// one script at a time (<see cref="ScriptRunner"/>: what runs is what was planned), and the
/// report (<see cref="RunReport"/>: console, log, journal and summary together). SQL errors never
/// throw out of it: each is shown at once, logged, and the run goes on unless the script said
/// <c>:on error exit</c> or EXIT; the token stops it in order (exit 130).
/// </summary>
public sealed class RunOrchestrator(CliContext context, IRunEnvironment environment, TimeProvider time)
{
    private static readonly Localizer Text = new("Run");
    private RunReport? report;
    private volatile string? runningScript;

    /// <summary>The tool version written in the log and the journal.</summary>
    public static string ToolVersion { get; } =
        typeof(RunOrchestrator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(RunOrchestrator).Assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>Runs <paramref name="request"/>; <paramref name="cancellationToken"/> interrupts it in order.</summary>
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        using var console = new RunConsole(context, time);
        try
        {
            return request.DryRun
                ? await DryRunAsync(console, request, cancellationToken).ConfigureAwait(false)
                : await RealRunAsync(console, request, cancellationToken).ConfigureAwait(false);
        }
        catch (RunFileException ex)
        {
            console.Error(Text["ErrorPrefixInput", ex.Message]);
            return Refused(ExitCodes.BadInput);
        }
    }

    /// <summary>
    /// The second Ctrl+C: the log gets its last lines and <paramref name="exit"/> ends the
    /// process at once, the batch going on being left to the server (its session ends with the process).
    /// </summary>
    public void AbortNow(Action exit)
    {
        if (report is { } current)
        {
            current.Abort(runningScript, exit);
        }
        else
        {
            exit();
        }
    }

    private async Task<RunResult> RealRunAsync(RunConsole console, RunRequest request, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        string directory = CreateDirectory(request.LogDirectory);
        string lockPath = ComponentLock.FileFor(directory, request.Component);
        using var componentLock = ComponentLock.TryAcquire(lockPath, time.GetLocalNow(), out var holder);
        if (componentLock is null)
        {
            // The holder is writing the last log: nothing is appended to it.
            console.Error(holder is null
                ? Text["LockHeldStarting", request.Component, lockPath]
                : Text["LockHeld", request.Component, lockPath, holder.ProcessId, holder.Host, holder.Started]);
            return Refused(ExitCodes.BadInput);
        }

        if (componentLock.TakenOverFrom is { } dead)
        {
            console.Out(Text["LockTakenOver", lockPath, dead.ProcessId, dead.Host, dead.Started]);
        }

        var mask = new SecretMask(request.Variables, request.SecretVariables);
        void Refuse(string reason) =>
            BachsqlLogFiles.AppendRefusal(directory, request.Component, time.GetLocalNow(), mask.Apply(Text["LogRefused", request.Component, reason]));

        IRunSession? session = null;
        RunLog? log = null;
        try
        {
            ScriptSelection selection;
            try
            {
                selection = ScriptSource.Resolve(request.Paths);
            }
            catch (UsageException ex)
            {
                Refuse(ex.Message);
                throw;
            }

            GesComLocation? location = request.GesComDatabase is null ? null : CreateLocation(request.GesComServer, request.GesComDatabase, null);
            var readerOptions = ReaderOptions(request);
            var plans = ScriptPlanner.Plan(selection.Scripts, readerOptions, tokensAllowed: location is not null || request.Integration is not null, cancellationToken);
            var errors = plans.Where(p => p.Error is not null)
                .Select(p => new RunFailure(p.Script.Name, RunReport.Place(p.Error!.File, p.Error.Line), p.Error.Message))
                .ToList();
            if (errors.Count > 0)
            {
                // Every script error at once, nothing run; the last real log only gets a dated line.
                foreach (var error in errors)
                {
                    console.Error(Text["ErrorPrefixInput", error.Message]);
                }

                console.Error(Text["InputErrorsSummary", errors.Count]);
                Refuse(Text["InputErrorsSummary", errors.Count] + " " + errors[0].Message);
                return new RunResult(ExitCodes.BadInput, null, errors, 0, 0, 0);
            }

            try
            {
                session = await environment.ConnectAsync(request.ConnectionString!, cancellationToken).ConfigureAwait(false);
            }
            catch (SqlException ex)
            {
                Refuse(ex.Message);
                throw;
            }

            if (await RefusalFromServerAsync(session, request.Component, cancellationToken).ConfigureAwait(false) is string refusal)
            {
                console.Error(refusal);
                Refuse(refusal);
                return Refused(ExitCodes.BadInput);
            }

            if (request.Integration is int id && location is null)
            {
                var integration = await session.ReadIntegrationAsync(id, cancellationToken).ConfigureAwait(false);
                if (integration is null)
                {
                    string message = Text["IntegrationMissing", id, session.Facts.Database];
                    Refuse(message);
                    throw new UsageException(message);
                }

                location = CreateLocation(integration.Value.Server, integration.Value.Database, session.Facts.ServerName);
            }

            try
            {
                log = StartLog(directory, mask, request, session.Facts, location, selection.Scripts, componentLock);
            }
            catch (RunFileException ex)
            {
                Refuse(ex.Message);
                throw;
            }

            report = new RunReport(console, log, mask, time, started);
            var sequence = new ScriptSequence(
                report, new ScriptRunner(session, readerOptions, location, report, console, new SessionSettings(request.QuotedIdentifier)), session.Journal, location, request, script => runningScript = script);
            return await sequence.RunAsync(plans, selection.Ignored, cancellationToken).ConfigureAwait(false);
        }
        catch (RunSessionException ex) when (report is null)
        {
            // The lock or a first read of the control session failed: nothing ran.
            console.Error(Text["ErrorPrefixInput", ex.Message]);
            Refuse(ex.Message);
            return Refused(ExitCodes.ProcessingErrors);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && report is null)
        {
            // Ctrl+C while planning or connecting: nothing ran.
            console.Error(Text["Cancelled"]);
            Refuse(Text["Cancelled"]);
            return Refused(ExitCodes.Interrupted);
        }
        finally
        {
            log?.Dispose();
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>What the server must grant before anything runs: its lock, then the journal table. Null when it does, else why not.</summary>
    private static async Task<string?> RefusalFromServerAsync(IRunSession session, string component, CancellationToken cancellationToken)
    {
        if (!await session.TryLockAsync(component, cancellationToken).ConfigureAwait(false))
        {
            return Text["AlreadyRunning", component, session.Facts.Database];
        }

        return await session.JournalExistsAsync(cancellationToken).ConfigureAwait(false) ? null : Text["JournalMissing", session.Facts.Database];
    }

    /// <summary>
    /// The run is on: the new log is written beside the last one, its header flushed, then renamed
    /// over it; a fault before the rename leaves the last log as it was (<see cref="RunFileException"/>).
    /// </summary>
    private RunLog StartLog(string directory, SecretMask mask, RunRequest request, ServerFacts facts, GesComLocation? location, IReadOnlyList<ScriptFile> scripts, ComponentLock componentLock)
    {
        string logPath = Path.Combine(directory, BachsqlLogFiles.FileName(request.Component, time.GetLocalNow().DateTime));
        var earlier = BachsqlLogFiles.Find(directory, request.Component);
        var log = RunLog.Begin(logPath);
        try
        {
            WriteHeader(log, mask, request, facts, location, scripts, componentLock);
            if (log.Fault is { } fault)
            {
                throw RunFileException.For(fault, log.Path);
            }

            log.Commit(earlier);
            return log;
        }
        catch (RunFileException)
        {
            log.Abandon();
            throw;
        }
    }

    /// <summary>
    /// A dry run. When the GesCom location is known before the scripts are read (not
    /// --integration, which needs the server, asked only once every script has been checked), each
    /// script is read once: the plan's read lists its batches (<see cref="DryRunListing"/>).
    /// Otherwise the scripts are planned, the integration read, then each script read again.
    /// </summary>
    private async Task<RunResult> DryRunAsync(RunConsole console, RunRequest request, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var selection = ScriptSource.Resolve(request.Paths);
        GesComLocation? location = request.GesComDatabase is null ? null : CreateLocation(request.GesComServer, request.GesComDatabase, null);
        var readerOptions = ReaderOptions(request);
        var mask = new SecretMask(request.Variables, request.SecretVariables);
        bool tokensAllowed = location is not null || request.Integration is not null;

        // Its own file: a dry run never touches the last real run's log.
        string directory = CreateDirectory(request.LogDirectory);
        string logPath = Path.Combine(directory, BachsqlLogFiles.DryRunFileName(request.Component, time.GetLocalNow().DateTime));
        using var listing = request.Integration is null ? DryRunListing.Create(logPath, mask, location) : null;
        var plans = ScriptPlanner.Plan(selection.Scripts, readerOptions, tokensAllowed, listing, cancellationToken);
        bool planFailed = plans.Any(p => p.Error is not null);
        ServerFacts? facts = null;
        if (!planFailed && request.Integration is int id && location is null)
        {
            await using var session = await environment.ConnectAsync(request.ConnectionString!, cancellationToken).ConfigureAwait(false);
            facts = session.Facts;
            var integration = await session.ReadIntegrationAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new UsageException(Text["IntegrationMissing", id, session.Facts.Database]);
            location = CreateLocation(integration.Server, integration.Database, session.Facts.ServerName);
        }

        using var log = RunLog.Begin(logPath);
        WriteHeader(log, mask, request, facts, location, selection.Scripts, null);
        log.Commit([]);
        var run = new RunReport(console, log, mask, time, started);
        if (planFailed)
        {
            foreach (var plan in plans.Where(p => p.Error is not null))
            {
                run.Failure(plan.Script.Name, RunReport.Place(plan.Error!.File, plan.Error.Line), plan.Error.Message);
            }

            run.Info(Text["InputErrorsSummary", run.Failures.Count]);
            console.Error(Text["SummaryLog", log.Path]);
            log.Flush();
            return new RunResult(ExitCodes.BadInput, log.Path, run.Failures, 0, 0, 0);
        }

        int batches = 0;
        for (int s = 0; s < plans.Count; s++)
        {
            var plan = plans[s];
            console.Out(Text["DryRunScript", s + 1, plans.Count, plan.Script.Name, plan.BatchCount]);
            log.Line(Text["LogScript", s + 1, plans.Count, plan.Script.Name, plan.BatchCount, plan.Checksum(location)]);
            if (listing is not null)
            {
                listing.CopyScript(s, plan.BatchCount, log);
                batches += plan.BatchCount;
            }
            else
            {
                batches += ListAgain(plan, readerOptions, location, mask, run, log);
            }

            if (plan.EndsRun)
            {
                run.Info(Text["DryRunExit", plan.Script.Name]);
                foreach (var later in plans.Skip(s + 1))
                {
                    run.NotRun(later.Script.Name, Text["WhyExit", plan.Script.Name]);
                }

                break;
            }
        }

        run.Info(Text["DryRunSummary", plans.Count, batches]);
        console.Out(Text["SummaryLog", log.Path]);
        log.Flush();
        if ((listing?.Fault ?? log.Fault) is { } fault)
        {
            // The listing is incomplete: say so and where, as for any file that cannot be written (exit 2).
            throw RunFileException.For(fault, listing?.Fault is null ? log.Path : listing.Path);
        }

        return new RunResult(run.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.BadInput, log.Path, run.Failures, 0, 0, batches);
    }

    /// <summary>The second read of a script planned before its GesCom location was known: lists its batches; how many.</summary>
    private static int ListAgain(ScriptPlan plan, BatchReaderOptions readerOptions, GesComLocation? location, SecretMask mask, RunReport run, RunLog log)
    {
        int listed = 0;
        try
        {
            // The batch lives only in DryRunBatch's frame: this loop never holds one while the next is read.
            var header = new DryRunBatchHeader();
            using var reader = new BatchReader(readerOptions).Read(plan.Script.Path).GetEnumerator();
            while (reader.MoveNext() && DryRunBatch(reader.Current, plan, location, mask, header, log))
            {
                listed++;
            }
        }
        catch (BatchScriptException ex)
        {
            // The file changed since the first pass.
            run.Failure(plan.Script.Name, RunReport.Place(ex.File, ex.Line), ex.Message);
        }

        return listed;
    }

    /// <summary>Logs one batch of a dry run; false when it is the EXIT or QUIT that ends the run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool DryRunBatch(Batch batch, ScriptPlan plan, GesComLocation? location, SecretMask mask, DryRunBatchHeader header, RunLog log)
    {
        if (batch.EndsRun)
        {
            return false;
        }

        log.Line(header.Format(batch.Index, plan.BatchCount, batch.File, batch.StartLine, batch.Count));
        log.Block(mask.Apply(location is null ? batch.ShownText : TokenExpander.Expand(batch.ShownText, location)));
        log.Line();
        return true;
    }

    private static BatchReaderOptions ReaderOptions(RunRequest request) => new()
    {
        Variables = request.Variables,
        SubstituteVariables = request.SubstituteVariables,
        SecretVariables = request.SecretVariables,
        Open = ScriptText.Opener(request.InputEncoding),
    };

    private static RunResult Refused(int exitCode) => new(exitCode, null, [], 0, 0, 0);

    /// <summary>The log folder, created if needed; a fault is a <see cref="RunFileException"/> (exit 2).</summary>
    private static string CreateDirectory(string directory)
    {
        try
        {
            return Directory.CreateDirectory(directory).FullName;
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            throw RunFileException.For(ex, directory);
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

    private void WriteHeader(RunLog log, SecretMask mask, RunRequest request, ServerFacts? facts, GesComLocation? location, IReadOnlyList<ScriptFile> scripts, ComponentLock? componentLock)
    {
        log.Line(Text["LogTitle", request.Component, request.DryRun ? Text["LogDryRunMark"] : string.Empty]);
        log.Line(Text["LogStarted", time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)]);
        log.Line(Text["LogTool", ToolVersion, Environment.MachineName]);
        log.Line(facts is null
            ? Text["LogNoConnection"]
            : Text["LogConnection", facts.Login, facts.Server, facts.Database]);
        log.Line(mask.Apply(Text["LogOptions", request.OptionsText]));
        if (location is not null)
        {
            log.Line(Text["LogGesCom", location.Qualifier]);
        }

        if (componentLock is not null)
        {
            log.Line(Text["LogLock", componentLock.Path, Environment.ProcessId]);
            if (componentLock.TakenOverFrom is { } dead)
            {
                log.Line(Text["LockTakenOver", componentLock.Path, dead.ProcessId, dead.Host, dead.Started]);
            }
        }

        log.Line(Text["LogScripts", scripts.Count, string.Join(", ", scripts.Select(s => s.Name))]);
        log.Line();
        log.Flush();
    }
}
