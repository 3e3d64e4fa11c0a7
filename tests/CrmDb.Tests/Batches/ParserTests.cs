using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>The parser alone, fed line by line as go-sqlcmd's Batch is: its state after each line, its line kinds.</summary>
public sealed class ParserTests
{
    public static TheoryData<string, ParserState> States() => new()
    {
        { "", ParserState.Code },
        { "select 1", ParserState.Code },
        { "select '1", ParserState.String },
        { "select 'it''s", ParserState.String },
        { "select 1 /* comment", ParserState.BlockComment },
        { "/* a /* b */", ParserState.BlockComment },
        { "/* a /* b */ */", ParserState.Code },
        { "select [a", ParserState.BracketedIdentifier },
        { "select [a]]", ParserState.BracketedIdentifier },
        { "select \"a", ParserState.QuotedIdentifier },
        { "select 1 -- '", ParserState.Code },
        { "select '1\n00' \n/* comm\nent*/", ParserState.Code },
    };

    [Theory]
    [MemberData(nameof(States))]
    public void The_state_after_the_lines_is_explicit(string lines, ParserState expected)
    {
        var parser = new BatchParser(new SqlCmdVariables());

        foreach (string line in lines.Split('\n'))
        {
            parser.Feed(line, "\n", "t.sql", 1);
        }

        Assert.Equal(expected, parser.State);
    }

    [Theory]
    [InlineData("GO", LineKind.Go, 1)]
    [InlineData(" go 12 ", LineKind.Go, 12)]
    [InlineData("GO -- x", LineKind.Go, 1)]
    [InlineData(":setvar A b", LineKind.SetVar, 1)]
    [InlineData(":r file.sql", LineKind.Include, 1)]
    [InlineData(":on error exit", LineKind.OnError, 1)]
    [InlineData("   ", LineKind.Blank, 1)]
    [InlineData("SELECT 1", LineKind.Text, 1)]
    [InlineData("GOTO x", LineKind.Text, 1)]
    public void Each_line_is_classified(string line, LineKind kind, int count)
    {
        var parser = new BatchParser(new SqlCmdVariables());

        var parsed = parser.Feed(line, "\n", "t.sql", 1);

        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(count, parsed.GoCount);
    }

    [Fact]
    public void GO_inside_an_open_string_is_text()
    {
        var parser = new BatchParser(new SqlCmdVariables());
        parser.Feed("SELECT 'a", "\n", "t.sql", 1);

        var parsed = parser.Feed("GO", "\n", "t.sql", 2);

        Assert.Equal(LineKind.Text, parsed.Kind);
        Assert.Equal(ParserState.String, parser.State);
        Assert.Equal(1, parser.OpenedLine);
    }

    [Fact]
    public void Complete_returns_the_batch_and_resets()
    {
        var parser = new BatchParser(new SqlCmdVariables());
        parser.Feed("SELECT 1", "\r\n", "t.sql", 7);

        var batch = parser.Complete(1, 2, exitOnError: true);

        Assert.NotNull(batch);
        Assert.Equal("SELECT 1", batch.Text);
        Assert.Equal(7, batch.StartLine);
        Assert.Equal(2, batch.Count);
        Assert.True(batch.ExitOnError);
        Assert.False(parser.HasText);
        Assert.Null(parser.Complete(2, 1, false));
    }
}
