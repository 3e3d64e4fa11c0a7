using System.Text;
using CrmDb.Clr;
using CrmDb.Runner.Batches;

namespace CrmDb.Runner.Processing;

/// <summary>
/// The batches of a dry run, listed in the plan's one read of each script. The log shows each
/// script's batch count and checksum before its first batch, and each batch as "i/N": neither is
/// known until the script has been read to its end. So each batch's text is rendered, as the log
/// writes it (secrets masked, tokens expanded, CRLF lines, UTF-8), into a listing file beside
/// the log as it is read, with its place kept in memory; once every script is planned,
/// <see cref="CopyScript"/> writes each batch's header and copies its bytes into the log. The
/// script is read and split once instead of twice: copying bytes costs a small part of splitting.
/// </summary>
public sealed class DryRunListing : IPlannedBatches, IDisposable
{
    private const int BufferSize = 64 * 1024;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly SecretMask mask;
    private readonly GesComLocation? location;
    private readonly FileStream file;
    private readonly ByteCounter counter;
    private readonly StreamWriter writer;
    private readonly List<Entry> entries = [];
    private readonly DryRunBatchHeader header = new();
    private int next;
    private bool reading;

    private DryRunListing(string path, FileStream file, SecretMask mask, GesComLocation? location)
    {
        Path = path;
        this.file = file;
        this.mask = mask;
        this.location = location;
        counter = new ByteCounter(file);
        writer = new StreamWriter(counter, Utf8, BufferSize) { NewLine = "\r\n" };
    }

    /// <summary>The listing file (removed when the listing is disposed).</summary>
    public string Path { get; }

    /// <summary>The first write that failed (disk full, folder gone), if any; nothing is written after it.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>
    /// A listing beside <paramref name="logPath"/>: on the log's file system, whose room the log
    /// needs anyway. <see cref="RunFileException"/> when it cannot be created.
    /// </summary>
    public static DryRunListing Create(string logPath, SecretMask mask, GesComLocation? location)
    {
        string path = logPath + ".listing";
        try
        {
            var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Delete, BufferSize, FileOptions.DeleteOnClose);
            if (!OperatingSystem.IsWindows())
            {
                // Unlinked at once: a killed dry run leaves no listing behind (Windows removes it at close).
                File.Delete(path);
            }

            return new DryRunListing(path, file, mask, location);
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            throw RunFileException.For(ex, path);
        }
    }

    /// <inheritdoc />
    public void Add(int script, Batch batch)
    {
        if (Fault is not null)
        {
            return;
        }

        string shown = location is null ? batch.ShownText : TokenExpander.Expand(batch.ShownText, location);
        long start = counter.Count;
        try
        {
            RunLog.WriteLines(writer, mask.Apply(shown), string.Empty);
            writer.WriteLine();

            // Into the counter only (its Flush stops there): no system call per batch.
            writer.Flush();
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            Fault = ex;
            return;
        }

        entries.Add(new Entry(script, batch.Index, batch.File, batch.StartLine, batch.Count, counter.Count - start));
    }

    /// <summary>
    /// Writes the listed batches of <paramref name="script"/> (the scripts in order, each once)
    /// into <paramref name="log"/>: each batch's header, then its text as rendered.
    /// </summary>
    public void CopyScript(int script, int batches, RunLog log)
    {
        if (Fault is not null)
        {
            return;
        }

        try
        {
            if (!reading)
            {
                writer.Flush();
                file.Flush();
                file.Position = 0;
                reading = true;
            }

            var output = new ByteBlock(log);
            while (next < entries.Count && entries[next].Script < script)
            {
                Skip(entries[next++].Length);
            }

            for (; next < entries.Count && entries[next].Script == script; next++)
            {
                var entry = entries[next];
                output.Append(header.Format(entry.Index, batches, entry.File, entry.Line, entry.Count));
                output.Append("\r\n");
                output.CopyFrom(file, entry.Length);
            }

            output.Flush();
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            Fault = ex;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            writer.Dispose();
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            // A listing that could not be written out was already reported through Fault.
            file.Dispose();
        }
    }

    private void Skip(long length) => file.Seek(length, SeekOrigin.Current);

    private readonly record struct Entry(int Script, int Index, string File, int Line, int Count, long Length);

    /// <summary>Counts the bytes written through it; its Flush goes no further, so that flushing the writer costs no system call.</summary>
    private sealed class ByteCounter(Stream inner) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Count += buffer.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Bytes for the log gathered in blocks of 64 KiB, so that a small batch costs no write of its own.</summary>
    private sealed class ByteBlock(RunLog log)
    {
        private readonly byte[] buffer = new byte[BufferSize];
        private int used;

        public void Append(string text)
        {
            int max = Utf8.GetMaxByteCount(text.Length);
            if (max > buffer.Length - used)
            {
                Flush();
            }

            if (max > buffer.Length)
            {
                log.Raw(Utf8.GetBytes(text));
                return;
            }

            used += Utf8.GetBytes(text, buffer.AsSpan(used));
        }

        public void CopyFrom(Stream source, long length)
        {
            while (length > 0)
            {
                if (used == buffer.Length)
                {
                    Flush();
                }

                int read = source.Read(buffer, used, (int)Math.Min(buffer.Length - used, length));
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                used += read;
                length -= read;
            }
        }

        public void Flush()
        {
            if (used > 0)
            {
                log.Raw(buffer.AsSpan(0, used));
                used = 0;
            }
        }
    }
}
