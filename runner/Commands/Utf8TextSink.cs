using System.Buffers;
using System.Text;

namespace CrmDb.Runner.Commands;

/// <summary>
/// Where a <see cref="System.Text.Json.Utf8JsonWriter"/> writes when the output is a
/// <see cref="TextWriter"/> (the console, or a test's capture): the UTF-8 it commits is decoded
/// and handed on in blocks by <see cref="Drain"/>, so that the output gets a few large writes and
/// nothing larger than one block is held.
/// </summary>
internal sealed class Utf8TextSink(TextWriter output) : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> bytes = new(64 * 1024);
    private readonly Decoder decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private char[] chars = new char[64 * 1024];

    /// <summary>Bytes committed and not yet handed on.</summary>
    public int Pending => bytes.WrittenCount;

    /// <inheritdoc />
    public void Advance(int count) => bytes.Advance(count);

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0) => bytes.GetMemory(sizeHint);

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0) => bytes.GetSpan(sizeHint);

    /// <summary>Decodes what was committed and writes it to the output.</summary>
    public void Drain()
    {
        var written = bytes.WrittenSpan;
        int needed = decoder.GetCharCount(written, flush: false);
        if (needed > chars.Length)
        {
            chars = new char[needed];
        }

        int count = decoder.GetChars(written, chars, flush: false);
        output.Write(chars, 0, count);
        bytes.ResetWrittenCount();
    }
}
