using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>
/// The splitter's limits: a line or a batch longer than BatchReaderOptions.MaxBatchLength is an
/// error at its line, found before memory grows past the limit.
/// </summary>
public sealed class LimitTests
{
    /// <summary>Text made of <paramref name="prefix"/> then <paramref name="length"/> times 'x', on demand: nothing of it is held.</summary>
    private sealed class LongText(string prefix, long length, char filler = 'x') : TextReader
    {
        private long position;

        public long CharsRead => position;

        public override int Read(char[] buffer, int index, int count)
        {
            long total = prefix.Length + length;
            int n = (int)Math.Min(count, total - position);
            for (int i = 0; i < n; i++, position++)
            {
                buffer[index + i] = position < prefix.Length ? prefix[(int)position] : filler;
            }

            return n;
        }
    }

    private static BatchScriptException Split(TextReader reader, int limit) =>
        Assert.Throws<BatchScriptException>(() =>
            new BatchReader(new BatchReaderOptions { MaxBatchLength = limit }).Read(reader, "big.sql", Splitting.Folder).ToList());

    [Fact]
    public void A_line_longer_than_the_limit_is_an_error_at_its_line_and_memory_stays_near_the_limit()
    {
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");
        var text = new LongText("SELECT 1\nGO\nSELECT '", 200_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Split(text, 1_000_000);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(BatchErrorKind.BatchTooLarge, error.Kind);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("big.sql, ligne 3 : ligne ou lot de plus de 1", error.Message, StringComparison.Ordinal);
        // 200 million characters offered; the reader stopped near the limit (UTF-16: 2 bytes a character).
        Assert.True(text.CharsRead < 3_000_000, $"read {text.CharsRead} characters");
        Assert.True(allocated < 40_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_batch_of_short_lines_longer_than_the_limit_is_an_error_at_the_line_that_passes_it()
    {
        // 100-character lines (with their LF): 900 after line 9, so line 10 passes a 950-character limit.
        var lines = string.Concat(Enumerable.Range(1, 50).Select(i => $"-- {new string('y', 96)}\n"));

        var error = Split(new StringReader(lines), 950);

        Assert.Equal(BatchErrorKind.BatchTooLarge, error.Kind);
        Assert.Equal(10, error.Line);
    }

    [Fact]
    public void Batches_under_the_limit_pass_and_the_default_limit_is_at_least_512_MiB()
    {
        var batches = new BatchReader(new BatchReaderOptions { MaxBatchLength = 1_000 })
            .Read(new StringReader(new string('-', 900) + "\nGO\n" + new string('-', 900)), "ok.sql", Splitting.Folder)
            .ToList();

        Assert.Equal(2, batches.Count);
        Assert.True(BatchReaderOptions.DefaultMaxBatchLength >= 512 * 1024 * 1024);
    }
}
