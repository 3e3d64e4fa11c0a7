using System.Collections;

namespace CrmDb.Runner.Batches;

/// <summary>
/// Hands the batches of an iterator to the caller so that, once the caller asks for the next
/// one, nothing of the reader holds the last one: a compiler-generated iterator keeps the value
/// it yielded in a field of its own until its next yield, so a collection made while the next
/// batch is being read could not free a large one (eight batches of 50 MB held 1.4 times the
/// memory of one). The iterator yields a <see cref="BatchSlot"/>; the slot is emptied as the
/// batch is handed over.
/// </summary>
internal sealed class BatchHandoff(Func<BatchSlot, IEnumerable<BatchSlot>> read) : IEnumerable<Batch>
{
    /// <inheritdoc />
    public IEnumerator<Batch> GetEnumerator()
    {
        var slot = new BatchSlot();
        return new Enumerator(read(slot).GetEnumerator(), slot);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Enumerator(IEnumerator<BatchSlot> inner, BatchSlot slot) : IEnumerator<Batch>
    {
        private Batch? current;

        public Batch Current => current ?? throw new InvalidOperationException("no current batch");

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            current = null;
            if (!inner.MoveNext())
            {
                return false;
            }

            current = slot.Batch;
            slot.Batch = null;
            return true;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>Where the reader's iterator leaves the batch it yields, for <see cref="BatchHandoff"/> to take.</summary>
internal sealed class BatchSlot
{
    /// <summary>The batch just read, until it is handed over.</summary>
    public Batch? Batch { get; set; }
}
