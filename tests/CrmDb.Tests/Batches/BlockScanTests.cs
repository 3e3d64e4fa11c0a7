using System.Globalization;
using System.Text;
using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>
/// The reader scans decoded blocks, not lines: every construct must split the same wherever a
/// block ends inside it (in <c>*/</c>, <c>--</c>, <c>''</c>, <c>]]</c>, <c>$(</c>, a CRLF, a
/// surrogate pair, a GO line at the block's end). Each script is read whole and from a reader
/// that hands out a few characters at a time (every block boundary falls everywhere), and
/// compared with the parser fed line by line (<see cref="BatchParser.Feed"/>, how the reader
/// worked before), on chosen cases and on generated scripts.
/// </summary>
public sealed class BlockScanTests
{
    private static readonly Dictionary<string, string> Variables = new(StringComparer.OrdinalIgnoreCase) { ["V"] = "vé", ["Secret"] = "s3", ["N"] = "2" };

    public static TheoryData<string> Edges() =>
    [
        "SELECT 1 /* a */ /* b /* c */ d */\nGO\nSELECT 2",
        "SELECT 1 -- c'\nGO\nSELECT '--' -- x\nGO",
        "SELECT 'it''s' + ''''\nGO\nSELECT ''''''",
        "SELECT [a]]b] AS [c]]]]], \"d\"\"e\"\nGO 2\nSELECT [x]]\nGO\n]",
        "SELECT '$(V)', [$(V)], \"$(V)\", $(V) /* $(Nope) */ -- $(Nope)\nGO $(N)\nSELECT $(Secret)",
        "SELECT 1\r\nGO\r\nSELECT 'a\r\nb'\r\n/* c\r\n*/\r\nGO\r\n",
        "SELECT 1\rGO\rSELECT 2\r\rGO\r",
        "SELECT N'😀 é 𝄞' AS [😀]\nGO\nSELECT '😀😀😀'",
        "SELECT 1\nGO",
        "SELECT 1\nGO\n",
        "SELECT 1\n  GO  \n\n\nGO\n\n",
        "\n\n   \nSELECT 1\n\n\nSELECT 2\n   \nGO\n   ",
        "SELECT 1\n:setvar W 5\nSELECT $(W)\n:on error exit\nSELECT 3\nGO\nSELECT 4",
        "SELECT 1\nRESET\nSELECT 2\nEXIT()\nSELECT 3",
        "SELECT 1\nGO\nEXIT",
        "GOTO x\nEXEC p\nexit_code\nQUITTER\nRESETS\n::fn_x()\nGO",
        "SELECT '\nGO\n:setvar X 1\nEXIT\n' AS a\nGO",
        "/*\n--\n*/ SELECT 1 /*/ */ */ SELECT 2 */\nGO",
        "SELECT 1 /\n* not a comment */ 'x'\nGO",
        "SELECT 1 -\n- not a comment\nGO",
        "SELECT $\n(V) $ (V) $$(V)\nGO",
        "SELECT 'a' 'b''c'''\nGO",
        "SELECT 1\f\nGO\n\u00a0GO\nSELECT 2",
        "SELECT 'never closed",
        "SELECT 1\n/* never closed\nGO\n",
        "SELECT [never closed\nGO",
        "SELECT \"never closed",
        "SELECT $(Nope)",
        "SELECT 1\nSELECT $(V\nGO",
        "SELECT 1\nGO x",
        "SELECT 1\n:connect x",
    ];

    [Theory]
    [MemberData(nameof(Edges))]
    public void A_block_boundary_anywhere_splits_as_lines_do(string script)
    {
        string expected = LineByLine(script, BatchReaderOptions.DefaultMaxBatchLength);

        Assert.Equal(expected, Blocks(new StringReader(script), BatchReaderOptions.DefaultMaxBatchLength));
        foreach (int chunk in new[] { 1, 2, 3, 5, 7 })
        {
            Assert.Equal(expected, Blocks(new ChunkedReader(script, chunk, seed: null), BatchReaderOptions.DefaultMaxBatchLength));
        }
    }

    [Fact]
    public void The_edge_cases_themselves_split_as_sqlcmd_does()
    {
        // A few of the cases above, spelled out: the comparison alone could hide a shared mistake.
        Assert.Equal(["SELECT 1 /* a */ /* b /* c */ d */", "SELECT 2"], Texts("SELECT 1 /* a */ /* b /* c */ d */\nGO\nSELECT 2"));
        Assert.Equal(["SELECT 'it''s' + ''''", "SELECT ''''''"], Texts("SELECT 'it''s' + ''''\nGO\nSELECT ''''''"));
        Assert.Equal(["SELECT 1", "SELECT 'a\r\nb'\r\n/* c\r\n*/"], Texts("SELECT 1\r\nGO\r\nSELECT 'a\r\nb'\r\n/* c\r\n*/\r\nGO\r\n"));
        Assert.Equal(["SELECT N'😀 é 𝄞' AS [😀]", "SELECT '😀😀😀'"], Texts("SELECT N'😀 é 𝄞' AS [😀]\nGO\nSELECT '😀😀😀'"));
        Assert.Equal(["SELECT 'vé', [vé], \"vé\", vé /* $(Nope) */ -- $(Nope)", "SELECT s3"], Texts("SELECT '$(V)', [$(V)], \"$(V)\", $(V) /* $(Nope) */ -- $(Nope)\nGO $(N)\nSELECT $(Secret)"));
    }

    [Fact]
    public void A_block_that_ends_between_CR_and_LF_makes_one_line_end()
    {
        var batches = Read(new ChunkedReader("SELECT 1\r\nGO\r\nSELECT 2\r\nGO\r\n", 9, seed: null));

        Assert.Equal(["SELECT 1", "SELECT 2"], batches.Select(b => b.Text));
        Assert.Equal([1, 3], batches.Select(b => b.StartLine));
    }

    [Fact]
    public void A_GO_line_at_the_end_of_a_block_is_seen_whole()
    {
        // "SELECT 1\nGO" is 11 characters: the first block ends right after GO, the next starts with " 2".
        var batch = Assert.Single(Read(new ChunkedReader("SELECT 1\nGO 2\nGO", 11, seed: null)));

        Assert.Equal("SELECT 1", batch.Text);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void An_included_file_without_a_last_line_end_goes_on_with_the_line_end_of_its_style()
    {
        var files = new Dictionary<string, string> { ["inc.sql"] = "SELECT 'a'\r\nSELECT 'b'" };

        var batch = Assert.Single(Splitting.Split("SELECT 0\r\n:r inc.sql\r\nSELECT 'c'\r\n", files: files));

        Assert.Equal("SELECT 0\r\nSELECT 'a'\r\nSELECT 'b'\r\nSELECT 'c'", batch.Text);
        Assert.Equal(3, batch.Segments.Count);
        Assert.Equal(("main.sql", 3), batch.Locate(4));
    }

    [Fact]
    public void A_batch_held_in_place_across_many_blocks_comes_out_whole_and_so_do_the_next()
    {
        // 300,000 characters in one batch (many 64 Ki blocks: the window grows), then small batches.
        string big = "SELECT '" + new string('x', 300_000) + "'\nGO\nSELECT 'y'";
        string script = big + "\nGO\nSELECT 2\nGO\nSELECT 3";

        var batches = Read(new StringReader(script));

        Assert.Equal([big[..^14], "SELECT 'y'", "SELECT 2", "SELECT 3"], batches.Select(b => b.Text));
        Assert.Equal([1, 3, 5, 7], batches.Select(b => b.StartLine));
    }

    [Fact]
    public void A_batch_larger_than_the_largest_window_goes_on_in_the_buffer_whole()
    {
        // Past 8 Mi characters a batch is no longer held in the window: the rest is copied as it comes.
        string big = "SELECT '" + new string('é', 9 * 1024 * 1024) + "' -- fin\r\nSELECT 1";
        string script = big + "\r\nGO\r\nSELECT 2\r\n";

        var batches = Read(new StringReader(script));

        Assert.Equal(2, batches.Count);
        Assert.True(big == batches[0].Text, "the large batch changed");
        Assert.Equal("SELECT 2", batches[1].Text);
        Assert.Equal([1, 4], batches.Select(b => b.StartLine));
    }

    [Fact]
    public void Generated_scripts_split_as_they_do_line_by_line()
    {
        var random = new Random(19);
        int compared = 0;
        int failed = 0;
        for (int n = 0; n < 600; n++)
        {
            string script = Generate(random);
            int limit = n % 5 == 4 ? random.Next(20, 400) : BatchReaderOptions.DefaultMaxBatchLength;
            string expected = LineByLine(script, limit);
            string actual = Blocks(new ChunkedReader(script, 0, seed: n), limit);
            Assert.True(expected == actual, $"script {n} (limit {limit}):\n{Escape(script)}\nline by line:\n{expected}\nblocks:\n{actual}");

            // Read whole, in one block: literals and names close inside it, where the parser settles short ones without its state machine.
            string whole = Blocks(new StringReader(script), limit);
            Assert.True(expected == whole, $"script {n} (limit {limit}), read whole:\n{Escape(script)}\nline by line:\n{expected}\nwhole:\n{whole}");
            compared++;
            failed += expected.StartsWith("ERROR", StringComparison.Ordinal) ? 1 : 0;
        }

        // The generator must produce both outcomes, or the comparison would test only one path.
        Assert.InRange(failed, 30, compared - 100);
    }

    private static List<Batch> Read(TextReader reader) =>
        new BatchReader(new BatchReaderOptions { Variables = Variables, SecretVariables = ["Secret"] }).Read(reader, "main.sql", Splitting.Folder).ToList();

    private static List<string> Texts(string script) => Read(new StringReader(script)).Select(b => b.EndsRun ? "EXIT" : b.Text).ToList();

    /// <summary>The batches (or the error) of the reader, one line each, every field that matters.</summary>
    private static string Blocks(TextReader reader, int limit)
    {
        var output = new StringBuilder();
        try
        {
            var options = new BatchReaderOptions { Variables = Variables, SecretVariables = ["Secret"], MaxBatchLength = limit };
            foreach (var batch in new BatchReader(options).Read(reader, "main.sql", Splitting.Folder))
            {
                output.AppendLine(Describe(batch.EndsRun, batch.Index, batch.Count, batch.ExitOnError, batch.Text, batch.Segments, batch.Secrets));
            }
        }
        catch (BatchScriptException ex)
        {
            output.AppendLine(CultureInfo.InvariantCulture, $"ERROR {ex.Kind} {ex.File} {ex.Line}");
        }

        return output.ToString();
    }

    /// <summary>The same, with the parser fed one line at a time from a <see cref="LineSource"/>: the reader's loop before it scanned blocks.</summary>
    private static string LineByLine(string script, int limit)
    {
        var output = new StringBuilder();
        var variables = new SqlCmdVariables(Variables, ["Secret"]);
        var parser = new BatchParser(variables);
        using var source = new LineSource(new StringReader(script), maxLineLength: limit);
        bool exitOnError = false;
        int index = 0;
        try
        {
            while (true)
            {
                ParsedLine parsed;
                try
                {
                    if (!source.TryRead(out var line, out var terminator))
                    {
                        break;
                    }

                    if ((long)parser.PendingLength + line.Length + terminator.Length > limit)
                    {
                        throw new BatchScriptException(BatchErrorKind.BatchTooLarge, "main.sql", source.LineNumber);
                    }

                    parsed = parser.Feed(line, terminator, "main.sql", source.LineNumber);
                }
                catch (LineTooLongException)
                {
                    throw new BatchScriptException(BatchErrorKind.BatchTooLarge, "main.sql", source.LineNumber + 1);
                }

                switch (parsed.Kind)
                {
                    case LineKind.Go:
                        if (parser.Complete(index + 1, parsed.GoCount, exitOnError) is { } batch)
                        {
                            index++;
                            output.AppendLine(Describe(false, batch.Index, batch.Count, batch.ExitOnError, batch.Text, batch.Segments, batch.Secrets));
                        }

                        break;
                    case LineKind.SetVar:
                        if (parsed.Value is null)
                        {
                            if (!variables.Unset(parsed.Name!))
                            {
                                throw new BatchScriptException(BatchErrorKind.UndefinedVariable, "main.sql", source.LineNumber, parsed.Name);
                            }
                        }
                        else
                        {
                            variables.Set(parsed.Name!, parsed.Value);
                        }

                        break;
                    case LineKind.OnError:
                        exitOnError = parsed.ExitOnError;
                        break;
                    case LineKind.Reset:
                        parser.Discard();
                        break;
                    case LineKind.Exit:
                        if (parsed.RunPending && parser.Complete(index + 1, 1, exitOnError) is { } pending)
                        {
                            index++;
                            output.AppendLine(Describe(false, pending.Index, pending.Count, pending.ExitOnError, pending.Text, pending.Segments, pending.Secrets));
                        }

                        output.AppendLine(Describe(true, index, 0, false, string.Empty, [new BatchSegment(1, "main.sql", source.LineNumber)], []));
                        return output.ToString();
                    case LineKind.Include:
                        throw new InvalidOperationException("the generated scripts hold no :r");
                }
            }

            if (parser.State != ParserState.Code)
            {
                var kind = parser.State switch
                {
                    ParserState.String => BatchErrorKind.UnterminatedString,
                    ParserState.QuotedIdentifier => BatchErrorKind.UnterminatedQuotedIdentifier,
                    ParserState.BracketedIdentifier => BatchErrorKind.UnterminatedBracketedIdentifier,
                    _ => BatchErrorKind.UnterminatedComment,
                };
                throw new BatchScriptException(kind, parser.OpenedFile, parser.OpenedLine);
            }

            if (parser.Complete(index + 1, 1, exitOnError) is { } last)
            {
                output.AppendLine(Describe(false, last.Index, last.Count, last.ExitOnError, last.Text, last.Segments, last.Secrets));
            }
        }
        catch (BatchScriptException ex)
        {
            output.AppendLine(CultureInfo.InvariantCulture, $"ERROR {ex.Kind} {ex.File} {ex.Line}");
        }

        return output.ToString();
    }

    private static string Describe(bool exit, int index, int count, bool exitOnError, string text, IReadOnlyList<BatchSegment> segments, IReadOnlyList<Range> secrets) =>
        exit
            ? string.Create(CultureInfo.InvariantCulture, $"EXIT {index} at {segments[0].FileLine}")
            : string.Create(CultureInfo.InvariantCulture, $"{index}x{count} {(exitOnError ? "stop" : "go")} [{string.Join(' ', segments.Select(s => $"{s.BatchLine}:{s.File}:{s.FileLine}"))}] [{string.Join(' ', secrets.Select(r => $"{r.Start.Value}-{r.End.Value}"))}] {Escape(text)}");

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static readonly string[] Pieces =
    [
        "SELECT 1", " ", "x", "é", "😀", "'", "''", "[", "]", "]]", "\"", "\"\"", "--", "-", "/*", "*/", "/", "*",
        "$(V)", "$(Secret)", "$", "$(", "N'", "GO", " GO ", "go", "\t",
    ];

    private static readonly string[] Lines =
    [
        "GO", "go 2", "  GO\t-- fin", "GO $(N)", ":setvar V autre", ":setvar W 1", ":on error exit", ":on error ignore",
        "", "   ", "RESET", "GOTO x", "EXEC p", "EXIT()", ":r", "GO x",
    ];

    private static readonly string[] Ends = ["\n", "\n", "\n", "\r\n", "\r\n", "\r"];

    private static string Generate(Random random)
    {
        var script = new StringBuilder();
        int lines = random.Next(1, 30);
        for (int i = 0; i < lines; i++)
        {
            if (random.Next(10) < 3)
            {
                script.Append(Lines[random.Next(Lines.Length)]);
            }
            else
            {
                int pieces = random.Next(0, 9);
                for (int k = 0; k < pieces; k++)
                {
                    script.Append(Pieces[random.Next(Pieces.Length)]);
                }
            }

            if (i + 1 < lines || random.Next(2) == 0)
            {
                script.Append(Ends[random.Next(Ends.Length)]);
            }
        }

        return script.ToString();
    }

    /// <summary>Hands out <c>chunk</c> characters per read, or 1 to 9 at random when a seed is given: block boundaries everywhere.</summary>
    private sealed class ChunkedReader(string text, int chunk, int? seed) : TextReader
    {
        private readonly Random? random = seed is int s ? new Random(s) : null;
        private int position;

        public override int Read(char[] buffer, int index, int count)
        {
            int n = Math.Min(Math.Min(count, random?.Next(1, 10) ?? chunk), text.Length - position);
            text.CopyTo(position, buffer, index, n);
            position += n;
            return n;
        }
    }
}
