namespace CrmDb.Runner.Batches;

/// <summary>
/// The text of a batch that is not held in place in its window: appended in chunks that are
/// reused from one batch to the next, so that a batch costs its size once while it is read (no
/// buffer doubled past it, no copy as it grows) and large batches in a row do not each take
/// fresh memory. <see cref="Release"/> gives the chunks back (the reader does after a batch that
/// fits in a block).
/// </summary>
internal sealed class TextChunks
{
    private const int FirstChunk = 16 * 1024;
    private const int LargestChunk = 1024 * 1024;

    private readonly List<char[]> chunks = [];
    private int current;
    private int used;

    /// <summary>Characters appended since the last <see cref="Clear"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Characters the chunks held now can take.</summary>
    public long Capacity { get; private set; }

    public void Append(ReadOnlySpan<char> chars)
    {
        while (!chars.IsEmpty)
        {
            if (current == chunks.Count)
            {
                // Not zeroed: every character is written before it is read.
                var chunk = GC.AllocateUninitializedArray<char>((int)Math.Min((long)FirstChunk << Math.Min(current, 20), LargestChunk));
                chunks.Add(chunk);
                Capacity += chunk.Length;
            }

            var target = chunks[current].AsSpan(used);
            int n = Math.Min(target.Length, chars.Length);
            chars[..n].CopyTo(target);
            used += n;
            Length += n;
            chars = chars[n..];
            if (used == chunks[current].Length)
            {
                current++;
                used = 0;
            }
        }
    }

    /// <summary>The length without the white space at the end.</summary>
    public int TrimmedLength()
    {
        int length = Length;
        int chunk = current;
        int at = used;
        while (length > 0)
        {
            if (at == 0)
            {
                chunk--;
                at = chunks[chunk].Length;
            }

            if (!char.IsWhiteSpace(chunks[chunk][at - 1]))
            {
                break;
            }

            at--;
            length--;
        }

        return length;
    }

    /// <summary>The first <paramref name="length"/> characters as one string.</summary>
    public string ToString(int length) => string.Create(length, this, static (span, self) =>
    {
        int chunk = 0;
        while (!span.IsEmpty)
        {
            var source = self.chunks[chunk++];
            int n = Math.Min(source.Length, span.Length);
            source.AsSpan(0, n).CopyTo(span);
            span = span[n..];
        }
    });

    /// <summary>Empties the text; the chunks stay for the next batch.</summary>
    public void Clear()
    {
        current = 0;
        used = 0;
        Length = 0;
    }

    /// <summary>Empties the text and gives back every chunk but the first.</summary>
    public void Release()
    {
        Clear();
        if (chunks.Count > 1)
        {
            chunks.RemoveRange(1, chunks.Count - 1);
            Capacity = chunks[0].Length;
        }
    }
}
