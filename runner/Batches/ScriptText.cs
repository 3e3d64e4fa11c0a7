using System.Buffers;
using System.Text;

namespace CrmDb.Runner.Batches;

/// <summary>
/// Opens script files for reading with strict decoding, in the encoding
/// <see cref="ScriptEncoding.Detect"/> chooses (BOM, UTF-16 NUL pattern, --code-page, else
/// UTF-8); bytes that are not valid in that encoding raise an error instead of turning into '?'
/// (a script saved as Windows-1252 would otherwise run with its accents broken).
/// </summary>
public static class ScriptText
{
    /// <summary>Opens <paramref name="path"/> as UTF-8 unless its bytes say otherwise; its BOM, if any, is consumed.</summary>
    public static TextReader Open(string path) => Open(path, codePage: null);

    /// <summary>Opens <paramref name="path"/>; <paramref name="codePage"/> (--code-page) replaces UTF-8 for a file without BOM.</summary>
    public static TextReader Open(string path, Encoding? codePage)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        try
        {
            var head = new byte[ScriptEncoding.SampleLength];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            (Encoding encoding, int bom) = ScriptEncoding.Detect(head.AsSpan(0, read), codePage, path);
            stream.Position = bom;
            return new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The opener crmdb run, batches and test give the batch reader for <paramref name="codePage"/>.</summary>
    public static Func<string, TextReader> Opener(Encoding? codePage) =>
        codePage is null ? Open : path => Open(path, codePage);

    /// <summary>
    /// Finds the first byte sequence of a UTF-8 file (after its BOM) that is not valid UTF-8:
    /// its 1-based line and the bytes in hex; null when the file is valid or not UTF-8. Used only
    /// to report a decoding error precisely (the reader decodes ahead of the line it hands out).
    /// </summary>
    public static (int Line, string Bytes)? FindInvalidUtf8(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        var buffer = new byte[64 * 1024];
        int filled = 0;
        int line = 1;
        bool first = true;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            bool atEnd = read == 0;
            filled += read;
            var span = buffer.AsSpan(0, filled);
            if (first)
            {
                first = false;
                if (BomLength(span) is var bom && bom > 0)
                {
                    if (bom != 3)
                    {
                        return null;
                    }

                    span = span[3..];
                    filled -= 3;
                    span.CopyTo(buffer);
                    span = buffer.AsSpan(0, filled);
                }
            }

            int position = 0;
            while (position < span.Length)
            {
                var status = Rune.DecodeFromUtf8(span[position..], out _, out int consumed);
                if (status == OperationStatus.NeedMoreData && !atEnd)
                {
                    break;
                }

                if (status != OperationStatus.Done)
                {
                    return (line, Convert.ToHexString(span.Slice(position, Math.Max(consumed, 1))));
                }

                if (span[position] == (byte)'\n')
                {
                    line++;
                }

                position += consumed;
            }

            if (atEnd)
            {
                return null;
            }

            span[position..].CopyTo(buffer);
            filled = span.Length - position;
        }
    }

    /// <summary>
    /// The same search in a text held in memory (after a UTF-8 BOM, if any): the 1-based line
    /// and the offending bytes in hex, or null when every byte is valid UTF-8.
    /// </summary>
    public static (int Line, string Bytes)? FindInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int position = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        int line = 1;
        while (position < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[position..], out _, out int consumed);
            if (status != OperationStatus.Done)
            {
                return (line, Convert.ToHexString(bytes.Slice(position, Math.Max(consumed, 1))));
            }

            line += bytes[position] == (byte)'\n' ? 1 : 0;
            position += consumed;
        }

        return null;
    }

    /// <summary>UTF-8 that throws on invalid bytes.</summary>
    public static Encoding StrictUtf8 => ScriptEncoding.StrictUtf8;

    // The length of a BOM at the start of span (UTF-8, UTF-16, UTF-32), 0 without one.
    private static int BomLength(ReadOnlySpan<byte> span) =>
        span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3
        : span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) || span.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]) ? 4
        : span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? 2
        : 0;
}
