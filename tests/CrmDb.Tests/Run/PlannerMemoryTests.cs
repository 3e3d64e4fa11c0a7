using System.Runtime.CompilerServices;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>
/// The plan's read (and so the dry run) holds one batch at a time: while the next batch is read,
/// nothing of the planner keeps the last one. Run here at the JIT's first tier, as the planner
/// runs in crmdb (once a script), where every local and temporary of a method stays alive to its
/// end: a batch passed from the planner's loop to the listing stayed alive there, and eight
/// batches of 50 MB took 1.6 times the memory of one (the IL build; ReadyToRun code hid it).
/// </summary>
public sealed class PlannerMemoryTests
{
    [Fact]
    public void No_batch_is_alive_while_the_next_is_read()
    {
        // Batches of 200,000 characters: each spans several of the reader's 64 Ki-character blocks.
        string script = string.Concat(Enumerable.Range(1, 3).Select(i => $"PRINT N'{new string((char)('a' + i), 200_000)}'\nGO\n"));
        var sink = new WeakSink();
        var probes = new List<bool>();
        var options = new BatchReaderOptions
        {
            // Every block the reader asks for, once a batch was listed: is the last one still alive?
            Open = path => new ProbingReader(script, () =>
            {
                if (sink.Last is { } last)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    probes.Add(last.TryGetTarget(out _));
                }
            }),
        };

        var plan = Assert.Single(ScriptPlanner.Plan([new ScriptFile(Path.Combine(Path.GetTempPath(), "memoire.sql"), "memoire.sql")], options, tokensAllowed: false, sink));

        Assert.Null(plan.Error);
        Assert.Equal(3, sink.Count);
        Assert.True(probes.Count >= 2, $"the reader was probed {probes.Count} times while batches 2 and 3 were read");
        Assert.DoesNotContain(true, probes);
    }

    /// <summary>Keeps only a weak reference to the last batch handed to it.</summary>
    private sealed class WeakSink : IPlannedBatches
    {
        public WeakReference<Batch>? Last { get; private set; }

        public int Count { get; private set; }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Add(int script, Batch batch)
        {
            Count++;
            Last = new WeakReference<Batch>(batch);
        }
    }

    /// <summary>A script's text, handed out in the reader's blocks, calling <paramref name="probe"/> before each.</summary>
    private sealed class ProbingReader(string text, Action probe) : TextReader
    {
        private int position;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            probe();
            int n = Math.Min(buffer.Length, text.Length - position);
            text.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override int Peek() => position < text.Length ? text[position] : -1;

        public override int Read() => position < text.Length ? text[position++] : -1;
    }
}
