using CrmDb.Clr;

namespace CrmDb.Tests.Clr;

public sealed class SqlNameTests
{
    [Theory]
    [InlineData("Account", "[Account]")]
    [InlineData("a]b", "[a]]b]")]
    [InlineData("]]", "[]]]]]")]
    [InlineData("[x", "[[x]")]
    [InlineData("", "[]")]
    [InlineData("é à ç", "[é à ç]")]
    public void Quote_matches_QUOTENAME(string name, string expected)
    {
        Assert.Equal(expected, SqlName.Quote(name));
    }

    [Fact]
    public void Quote_refuses_what_QUOTENAME_turns_into_NULL()
    {
        Assert.Equal(130, SqlName.Quote(new string('x', 128)).Length);
        Assert.Throws<ArgumentException>(() => SqlName.Quote(new string('x', 129)));
        Assert.Throws<ArgumentNullException>(() => SqlName.Quote(null!));
    }

    [Theory]
    [InlineData("O'Brien", "N'O''Brien'")]
    [InlineData("", "N''")]
    [InlineData(null, "NULL")]
    public void Literal_doubles_single_quotes(string? value, string expected)
    {
        Assert.Equal(expected, SqlName.Literal(value!));
    }
}
