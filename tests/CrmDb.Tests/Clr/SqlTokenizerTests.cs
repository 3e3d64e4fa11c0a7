using CrmDb.Clr;

namespace CrmDb.Tests.Clr;

/// <summary>The one T-SQL lexer of CrmDb.Clr (procedure headers, MC_execsql parameters, replication values).</summary>
public sealed class SqlTokenizerTests
{
    private static string Describe(IEnumerable<SqlToken> tokens) =>
        string.Join(" ", tokens.Select(t => $"{t.Kind}:{t.Text}{(t.IsClosed ? string.Empty : "(open)")}"));

    [Fact]
    public void Each_kind_of_token_is_kept_whole_and_comments_are_left_out()
    {
        var tokens = SqlTokenizer.Tokenize("@p1 AS nvarchar(17) = N'it''s -- x' /* a /* nested */ ) */ -- end\n[a]]b] + \"c\"\"d\" @@ROWCOUNT 12.5;");

        Assert.Equal(
            "Variable:@p1 Word:AS Word:nvarchar Symbol:( Number:17 Symbol:) Symbol:= String:N'it''s -- x' "
            + "QuotedIdentifier:[a]]b] Symbol:+ QuotedIdentifier:\"c\"\"d\" Variable:@@ROWCOUNT Number:12.5 Symbol:;",
            Describe(tokens));
    }

    [Fact]
    public void Offsets_point_into_the_text()
    {
        const string sql = "  SELECT [x] ";

        var token = SqlTokenizer.Tokenize(sql)[1];

        Assert.Equal("[x]", sql.Substring(token.Start, token.Length));
    }

    [Fact]
    public void Comments_are_tokens_when_asked_for()
    {
        var tokens = SqlTokenizer.Tokenize("a -- one\rb /* two */", includeComments: true);

        Assert.Equal("Word:a Comment:-- one Word:b Comment:/* two */", Describe(tokens));
    }

    [Theory]
    [InlineData("x = 'abc", "String:'abc(open)")]
    [InlineData("x = N'it''s", "String:N'it''s(open)")]
    [InlineData("x = [CT_Num", "QuotedIdentifier:[CT_Num(open)")]
    [InlineData("x = \"CT_Num", "QuotedIdentifier:\"CT_Num(open)")]
    [InlineData("x /* /* */ ) ", "Comment:/* /* */ ) (open)")]
    public void A_string_identifier_or_comment_that_the_text_ends_inside_is_marked_open(string sql, string last)
    {
        var tokens = SqlTokenizer.Tokenize(sql, includeComments: true);

        Assert.Equal(last, Describe([tokens[^1]]));
        Assert.All(tokens.Take(tokens.Count - 1), t => Assert.True(t.IsClosed));
    }
}
