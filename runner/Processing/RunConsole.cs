using System.Globalization;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>
/// What a run shows on the console: messages and errors as they arrive, and, on an interactive
/// console only, one progress line (script i/n, batch j/m, elapsed) redrawn in place and cleared
/// before any other output. Redirected output gets no progress line at all.
/// </summary>
public sealed class RunConsole : IDisposable
{
    private static readonly Localizer Text = new("Run");
    private readonly CliContext context;
    private readonly TimeProvider time;
    private readonly long started;
    private readonly Lock gate = new();
    private readonly ITimer? timer;
    private string? progress;
    private int drawnLength;
    private (int Script, int Scripts, int Batch, int Batches) position;

    /// <summary>A console for <paramref name="context"/>; the elapsed time comes from <paramref name="time"/>.</summary>
    public RunConsole(CliContext context, TimeProvider time)
    {
        this.context = context;
        this.time = time;
        started = time.GetTimestamp();
        if (context.IsInteractive)
        {
            timer = time.CreateTimer(_ => Redraw(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Writes a line of output.</summary>
    public void Out(string text) => Write(context.Out, text);

    /// <summary>Writes a line to the error output.</summary>
    public void Error(string text) => Write(context.Error, text);

    /// <summary>Shows where the run is (interactive consoles only).</summary>
    public void Progress(int script, int scripts, int batch, int batches)
    {
        if (!context.IsInteractive)
        {
            return;
        }

        position = (script, scripts, batch, batches);
        Redraw();
    }

    /// <summary>Removes the progress line for good.</summary>
    public void EndProgress()
    {
        lock (gate)
        {
            Clear();
            progress = null;
            position = default;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        timer?.Dispose();
        EndProgress();
    }

    private void Redraw()
    {
        lock (gate)
        {
            if (position.Scripts == 0)
            {
                return;
            }

            var elapsed = time.GetElapsedTime(started);
            progress = Text["Progress", position.Script, position.Scripts, position.Batch, position.Batches,
                elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)];
            Clear();
            context.Out.Write(progress);
            context.Out.Flush();
            drawnLength = progress.Length;
        }
    }

    private void Write(TextWriter writer, string text)
    {
        lock (gate)
        {
            Clear();
            writer.WriteLine(text);
            writer.Flush();
            if (progress is not null && context.IsInteractive)
            {
                context.Out.Write(progress);
                context.Out.Flush();
                drawnLength = progress.Length;
            }
        }
    }

    private void Clear()
    {
        if (drawnLength > 0)
        {
            context.Out.Write("\r" + new string(' ', drawnLength) + "\r");
            drawnLength = 0;
        }
    }
}
