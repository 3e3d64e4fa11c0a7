namespace CrmDb.Runner.Batches;

/// <summary>
/// The decoded text of one script file, a block at a time, for <see cref="BatchParser"/> to scan
/// in place: the parser keeps in the window what it still needs (the current line, or the
/// current batch while it is one run of the file), so that a batch is copied once, into its
/// string. The window grows only for a line longer than the block or a batch held in place (up
/// to 1 Mi characters), never past the batch limit, and goes back to its block size after a
/// batch that fits in one.
/// </summary>
internal sealed class TextWindow : IDisposable
{
    /// <summary>Characters read at a time (64 Ki).</summary>
    internal const int BlockSize = 64 * 1024;

    private readonly TextReader reader;
    private readonly int capacityLimit;
    private bool shrink;

    /// <summary>Reads from <paramref name="reader"/> (disposed with the window); the window never grows past <paramref name="maxLength"/> + 2 characters.</summary>
    public TextWindow(TextReader reader, int maxLength)
    {
        this.reader = reader;
        capacityLimit = (int)Math.Min((long)maxLength + 2, int.MaxValue - 64);
        Buffer = new char[Math.Max(Math.Min(BlockSize, capacityLimit), 16)];
    }

    /// <summary>The decoded characters; [<see cref="Position"/>, <see cref="End"/>) is not scanned yet.</summary>
    internal char[] Buffer { get; private set; }

    /// <summary>The next character to scan.</summary>
    internal int Position { get; set; }

    /// <summary>The end of the decoded characters.</summary>
    internal int End { get; private set; }

    /// <summary>True once the reader has no more text.</summary>
    internal bool Eof { get; private set; }

    /// <summary>True when <see cref="Position"/> is at the start of a line (nothing of it scanned yet).</summary>
    internal bool AtLineStart { get; set; } = true;

    /// <summary>Lines completely read: the 1-based number of the last line read (0 before the first).</summary>
    public int LineNumber { get; internal set; }

    /// <summary>True when the window is as large as a line or batch may make it.</summary>
    internal bool AtLimit => Buffer.Length >= capacityLimit;

    /// <summary>The next call to <see cref="Fill"/> may give a grown buffer back (a batch ended that fitted in a block).</summary>
    internal void ReleaseGrown() => shrink = Buffer.Length > BlockSize;

    /// <summary>
    /// Moves [<paramref name="keep"/>, <see cref="End"/>) to the start of the buffer, growing it
    /// when it is full, then reads once more; returns how far the kept characters moved (every
    /// index the caller holds moves by as much). Decoding errors of the reader surface here.
    /// </summary>
    internal int Fill(int keep)
    {
        int kept = End - keep;
        if (shrink && kept <= BlockSize / 2)
        {
            // After a batch larger than the block, a block again: its memory is not held for the rest of the file.
            var smaller = new char[Math.Max(Math.Min(BlockSize, capacityLimit), 16)];
            Array.Copy(Buffer, keep, smaller, 0, kept);
            Buffer = smaller;
        }
        else if (keep > 0)
        {
            Array.Copy(Buffer, keep, Buffer, 0, kept);
        }

        shrink = false;
        End = kept;
        Position -= keep;
        if (End == Buffer.Length)
        {
            if (AtLimit)
            {
                // One line, or one batch held in place, fills the window at the limit: too long.
                throw new LineTooLongException();
            }

            // Not zeroed: every character is written (copied or read) before it is scanned.
            var larger = GC.AllocateUninitializedArray<char>((int)Math.Min((long)Buffer.Length * 2, capacityLimit));
            Array.Copy(Buffer, larger, End);
            Buffer = larger;
        }

        int read = reader.Read(Buffer, End, Buffer.Length - End);
        if (read == 0)
        {
            Eof = true;
        }

        End += read;
        return keep;
    }

    /// <inheritdoc />
    /// <remarks>The characters stay: a batch may still be held in place in them (an include's last lines).</remarks>
    public void Dispose() => reader.Dispose();
}
