using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>
/// The reader's line source before it scanned decoded blocks (BatchParser.Next), kept here as the
/// reference that BlockScanTests feeds the parser from, line by line.
/// Reads lines from a <see cref="TextReader"/> into one reusable buffer and hands them out as
/// spans with their line end (CRLF, LF or CR) kept: no string per line, and memory bounded by
/// the longest line.
/// </summary>
public sealed class LineSource : IDisposable
{
    private readonly TextReader reader;
    private readonly int maxLineLength;
    private char[] buffer;
    private int start;
    private int end;
    private bool eof;

    /// <summary>
    /// Reads from <paramref name="reader"/>, which it disposes; a line longer than
    /// <paramref name="maxLineLength"/> characters throws <see cref="LineTooLongException"/>
    /// before the buffer grows past it.
    /// </summary>
    public LineSource(TextReader reader, int bufferSize = 64 * 1024, int maxLineLength = int.MaxValue / 2)
    {
        this.reader = reader;
        this.maxLineLength = maxLineLength;
        buffer = new char[Math.Max(Math.Min(bufferSize, maxLineLength + 2), 16)];
    }

    /// <summary>The 1-based number of the last line read (0 before the first).</summary>
    public int LineNumber { get; private set; }

    /// <summary>
    /// The next line and its end; false at the end of the text. The spans are valid until the
    /// next call. Decoding errors of the reader (invalid bytes) surface here.
    /// </summary>
    public bool TryRead(out ReadOnlySpan<char> line, out ReadOnlySpan<char> terminator)
    {
        int searched = 0;
        while (true)
        {
            var pending = buffer.AsSpan(start + searched, end - start - searched);
            int k = pending.IndexOfAny('\r', '\n');
            if (k >= 0)
            {
                int at = start + searched + k;
                if (buffer[at] == '\r' && at + 1 == end && !eof)
                {
                    // A CR at the end of the buffer may be the first half of a CRLF: read on.
                    searched = at - start;
                    Fill();
                    continue;
                }

                int length = buffer[at] == '\r' && at + 1 < end && buffer[at + 1] == '\n' ? 2 : 1;
                line = buffer.AsSpan(start, at - start);
                terminator = buffer.AsSpan(at, length);
                start = at + length;
                LineNumber++;
                return true;
            }

            searched = end - start;
            if (eof)
            {
                if (end > start)
                {
                    line = buffer.AsSpan(start, end - start);
                    terminator = default;
                    start = end;
                    LineNumber++;
                    return true;
                }

                line = default;
                terminator = default;
                return false;
            }

            Fill();
        }
    }

    /// <inheritdoc />
    public void Dispose() => reader.Dispose();

    private void Fill()
    {
        if (start > 0)
        {
            Array.Copy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            // The buffer holds one unfinished line (and maybe a CR): at the limit it is too long.
            if (buffer.Length >= (long)maxLineLength + 2)
            {
                throw new LineTooLongException();
            }

            Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, (long)maxLineLength + 2));
        }

        int read = reader.Read(buffer, end, buffer.Length - end);
        if (read == 0)
        {
            eof = true;
        }

        end += read;
    }
}
