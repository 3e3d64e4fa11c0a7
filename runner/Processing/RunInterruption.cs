using System.Runtime.InteropServices;

namespace CrmDb.Runner.Processing;

/// <summary>
/// Ctrl+C and SIGTERM for crmdb run (and on Windows Ctrl+Break and closing the console, which
/// .NET reports as SIGQUIT and SIGHUP; a Windows shutdown is its SIGTERM: dotnet/runtime,
/// PosixSignalRegistration.Windows.cs): the first one cancels <see cref="Token"/>, which cancels
/// the running batch on the server and ends the run in order; a second one raises
/// <see cref="SecondSignal"/>, which ends the process at once. Each signal is cancelled for the
/// runtime (PosixSignalContext.Cancel), so nothing else ends the process behind the run's back;
/// System.CommandLine's own handler is off for this verb (CrmDbApp), as it would end the process
/// two seconds after the first signal whatever the run is doing. (Registered later, this handler
/// runs first and, cancelling, stops the others; turning that handler off makes the run not
/// depend on the order.)
/// PosixSignalRegistration: "Handles a POSIX signal", learn.microsoft.com
/// /dotnet/api/system.runtime.interopservices.posixsignalregistration.
/// </summary>
public sealed class RunInterruption : IDisposable
{
    private static readonly PosixSignal[] Signals = [PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP];

    private readonly CancellationTokenSource source;
    private readonly ManualResetEventSlim finished = new();
    private readonly List<IDisposable> registrations = [];
    private readonly bool usesCancelKeyPress;
    private int count;

    private RunInterruption(CancellationToken outer)
    {
        source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        foreach (var signal in Signals)
        {
            try
            {
                registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // Not on this system: Console.CancelKeyPress below still covers Ctrl+C.
            }
        }

        if (registrations.Count == 0)
        {
            Console.CancelKeyPress += OnCancelKeyPress;
            usesCancelKeyPress = true;
        }
    }

    /// <summary>Cancelled at the first signal (or when <c>outer</c> is).</summary>
    public CancellationToken Token => source.Token;

    /// <summary>Raised at the second signal, on the signal's thread.</summary>
    public event Action? SecondSignal;

    /// <summary>Starts listening; the token also follows <paramref name="outer"/>.</summary>
    public static RunInterruption Listen(CancellationToken outer) => new(outer);

    /// <summary>What a signal does (tests call it to interrupt a run in-process).</summary>
    public void Signal()
    {
        if (Interlocked.Increment(ref count) == 1)
        {
            source.Cancel();
        }
        else
        {
            SecondSignal?.Invoke();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        finished.Set();
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        if (usesCancelKeyPress)
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
        }

        source.Dispose();
    }

    /// <summary>
    /// Windows ends the process as soon as the handler of a console close (SIGHUP) or shutdown
    /// (SIGTERM) returns, and at the latest about 5 s after the event ("HandlerRoutine callback
    /// function", learn.microsoft.com/windows/console/handlerroutine): the handler waits for the
    /// run to end in order, up to just under that.
    /// </summary>
    private void WaitIfWindowsEndsTheProcess(PosixSignal signal)
    {
        if (OperatingSystem.IsWindows() && signal is PosixSignal.SIGHUP or PosixSignal.SIGTERM)
        {
            finished.Wait(TimeSpan.FromSeconds(4.5));
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Signal();
        WaitIfWindowsEndsTheProcess(context.Signal);
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Signal();
    }
}
