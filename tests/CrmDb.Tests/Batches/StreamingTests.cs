using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>The splitter streams: batches come out while the input is read, not after.</summary>
public sealed class StreamingTests
{
    /// <summary>An endless-looking script produced on demand, which records how much was read.</summary>
    private sealed class GeneratedScript(int batches) : TextReader
    {
        private string pending = string.Empty;
        private int produced;

        public long CharsRead { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            if (pending.Length == 0)
            {
                if (produced == batches)
                {
                    return 0;
                }

                produced++;
                pending = $"INSERT INTO dbo.T (Id, Text) VALUES ({produced}, N'{new string('x', 200)}');\nGO\n";
            }

            int n = Math.Min(count, pending.Length);
            pending.CopyTo(0, buffer, index, n);
            pending = pending[n..];
            CharsRead += n;
            return n;
        }
    }

    [Fact]
    public void The_first_batch_comes_out_long_before_the_end_of_a_large_input()
    {
        var input = new GeneratedScript(batches: 200_000); // about 48 MB of text
        using var batches = new BatchReader(new BatchReaderOptions()).Read(input, "big.sql", Path.GetTempPath()).GetEnumerator();

        Assert.True(batches.MoveNext());

        Assert.Equal(1, batches.Current.Index);
        // One read buffer (64 K chars) at most, not the file.
        Assert.True(input.CharsRead <= 128 * 1024, $"read {input.CharsRead} chars before the first batch");
    }

    [Fact]
    public void Every_batch_of_a_large_input_comes_out_in_order()
    {
        var input = new GeneratedScript(batches: 20_000);

        int expected = 0;
        foreach (var batch in new BatchReader(new BatchReaderOptions()).Read(input, "big.sql", Path.GetTempPath()))
        {
            expected++;
            Assert.Equal(expected, batch.Index);
            Assert.Equal(expected * 2 - 1, batch.StartLine);
        }

        Assert.Equal(20_000, expected);
    }

    [Fact]
    public void A_line_longer_than_the_read_buffer_is_kept_whole()
    {
        string longLine = "SELECT '" + new string('é', 300_000) + "'";

        var batch = Assert.Single(new BatchReader(new BatchReaderOptions()).Read(new StringReader(longLine + "\r\nGO\r\n"), "long.sql", Path.GetTempPath()));

        Assert.Equal(longLine, batch.Text);
    }

    [Fact]
    public void A_CRLF_split_across_two_reads_is_one_line_end()
    {
        using var source = new LineSource(new StringReader("ab\r\ncd"), bufferSize: 3);

        Assert.True(source.TryRead(out var first, out var firstEnd));
        Assert.Equal("ab", first.ToString());
        Assert.Equal("\r\n", firstEnd.ToString());
        Assert.True(source.TryRead(out var second, out var secondEnd));
        Assert.Equal("cd", second.ToString());
        Assert.True(secondEnd.IsEmpty);
        Assert.False(source.TryRead(out _, out _));
        Assert.Equal(2, source.LineNumber);
    }
}
