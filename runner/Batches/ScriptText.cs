using System.Buffers;
using System.Text;

namespace CrmDb.Runner.Batches;

/// <summary>
/// Opens script files for reading with strict decoding: UTF-8 unless a byte order mark says
/// UTF-16 or UTF-32; bytes that are not valid in that encoding raise an error instead of
/// turning into '?' (a script saved as Windows-1252 would otherwise run with its accents broken).
/// </summary>
public static class ScriptText
{
    /// <summary>Opens <paramref name="path"/>; its BOM, if any, is consumed.</summary>
    public static TextReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        try
        {
            Span<byte> head = stackalloc byte[4];
            int read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            (Encoding encoding, int bom) = Detect(head[..read]);
            stream.Position = bom;
            return new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The strict encoding a file starting with <paramref name="head"/> is read with, and its BOM length.</summary>
    public static (Encoding Encoding, int BomLength) Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (StrictUtf8, 3);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return (new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true), 4);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return (new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true), 4);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2);
        }

        return (StrictUtf8, 0);
    }

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
                if (Detect(span).BomLength is var bom && bom > 0)
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

    /// <summary>UTF-8 that throws on invalid bytes.</summary>
    public static Encoding StrictUtf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
