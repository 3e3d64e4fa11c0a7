using System.Text;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Batches;

/// <summary>
/// Which encoding a script's bytes are read with, the rules sqlcmd users expect: a byte order
/// mark decides first (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); then UTF-16 without a BOM is
/// recognised by its NUL bytes (an ASCII character is one NUL and one non-NUL byte); then the
/// code page given with --code-page (sqlcmd -f), else strict UTF-8. Text that still holds NULs
/// without a UTF-16 pattern is refused: it is not a script, and reading it would hand NULs to
/// SQL Server. Every decoder throws on invalid bytes instead of replacing them.
/// </summary>
public static class ScriptEncoding
{
    /// <summary>How many leading bytes the NUL heuristic looks at.</summary>
    public const int SampleLength = 4096;

    private static readonly Localizer Text = new("Common");

    static ScriptEncoding()
    {
        // Windows code pages (1252 for most French shops' scripts) are not built into .NET; their
        // provider is part of the shared framework ("CodePagesEncodingProvider Class",
        // https://learn.microsoft.com/dotnet/api/system.text.codepagesencodingprovider).
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>UTF-8 that throws on invalid bytes.</summary>
    public static Encoding StrictUtf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>--code-page's encoding, or null (UTF-8) when the option is absent.</summary>
    public static Encoding? FromOption(int? codePage) => codePage is int value ? ForCodePage(value) : null;

    /// <summary>The strict encoding of code page <paramref name="codePage"/> (--code-page N); a usage error when .NET does not know it.</summary>
    public static Encoding ForCodePage(int codePage)
    {
        if (codePage == 65001)
        {
            return StrictUtf8;
        }

        try
        {
            return Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new UsageException(Text["CodePageUnknown", codePage]);
        }
    }

    /// <summary>
    /// The encoding of a text starting with <paramref name="head"/> (at least the first
    /// <see cref="SampleLength"/> bytes when the text is that long) and the length of its BOM;
    /// <paramref name="codePage"/> is --code-page's encoding, null for UTF-8. A
    /// <see cref="BatchScriptException"/> (NulBytes) when the bytes hold NULs that no UTF
    /// encoding explains, naming <paramref name="name"/>.
    /// </summary>
    public static (Encoding Encoding, int BomLength) Detect(ReadOnlySpan<byte> head, Encoding? codePage, string name)
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

        var sample = head[..Math.Min(head.Length, SampleLength)];
        if (sample.IndexOf((byte)0) < 0)
        {
            return (codePage ?? StrictUtf8, 0);
        }

        return Utf16WithoutBom(sample) switch
        {
            false => (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 0),
            true => (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 0),
            null => throw new BatchScriptException(BatchErrorKind.NulBytes, name, LineOfFirstNul(sample)),
        };
    }

    /// <summary>
    /// Decodes a whole text held in memory (standard input of crmdb tokens expand) with the rules
    /// of <see cref="Detect"/>; invalid bytes are a <see cref="BatchScriptException"/> naming the line.
    /// </summary>
    public static string Decode(byte[] bytes, Encoding? codePage, string name)
    {
        var (encoding, bom) = Detect(bytes, codePage, name);
        try
        {
            return encoding.GetString(bytes, bom, bytes.Length - bom);
        }
        catch (DecoderFallbackException ex)
        {
            int at = ex.Index >= 0 ? bom + ex.Index : bom;
            var place = encoding is UTF8Encoding ? ScriptText.FindInvalidUtf8(bytes) : null;
            string detail = place?.Bytes ?? (ex.BytesUnknown is { Length: > 0 } unknown ? Convert.ToHexString(unknown) : string.Empty);
            throw new BatchScriptException(BatchErrorKind.Undecodable, name, place?.Line ?? CountLines(bytes.AsSpan(0, Math.Min(at, bytes.Length))), detail);
        }
    }

    /// <summary>
    /// False for UTF-16 LE (NULs on odd offsets), true for BE (even offsets), null when the NULs
    /// follow neither pattern. A few characters of other ranges (U+0100, U+0400...) put a NUL on
    /// the other side, so a small share of it is tolerated.
    /// </summary>
    private static bool? Utf16WithoutBom(ReadOnlySpan<byte> sample)
    {
        int pairs = sample.Length / 2;
        int nulOnOdd = 0;
        int nulOnEven = 0;
        for (int i = 0; i + 1 < sample.Length; i += 2)
        {
            bool evenNul = sample[i] == 0;
            bool oddNul = sample[i + 1] == 0;
            if (evenNul && oddNul)
            {
                // U+0000: no script holds it.
                return null;
            }

            nulOnEven += evenNul ? 1 : 0;
            nulOnOdd += oddNul ? 1 : 0;
        }

        if (pairs > 0 && nulOnOdd * 4 >= pairs && nulOnEven * 16 <= nulOnOdd)
        {
            return false;
        }

        if (pairs > 0 && nulOnEven * 4 >= pairs && nulOnOdd * 16 <= nulOnEven)
        {
            return true;
        }

        return null;
    }

    private static int LineOfFirstNul(ReadOnlySpan<byte> sample) => CountLines(sample[..Math.Max(sample.IndexOf((byte)0), 0)]);

    private static int CountLines(ReadOnlySpan<byte> before) => before.Count((byte)'\n') + 1;
}
