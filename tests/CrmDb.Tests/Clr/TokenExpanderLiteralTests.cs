using CrmDb.Clr;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Clr;

/// <summary>
/// Issue 14 item 5: a token inside a string literal gets its quotes doubled (one level of
/// literal); a token in a literal nested deeper is refused, naming the line; outside literals
/// the name is QUOTENAME's.
/// </summary>
public sealed class TokenExpanderLiteralTests
{
    public static TheoryData<string> HostileNames => new()
    {
        "O'Brien",
        "a]b",
        "Base \"GesCom\"",
        "Gestion commerciale 2024",
        "Société_Été",
        "Компания",
        "x'); DROP TABLE dbo.Account; --",
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Inside_EXEC_of_a_literal_the_name_stays_inside_the_literal(string database)
    {
        var location = GesComLocation.Create(string.Empty, database, null);

        string sql = TokenExpander.Expand("EXEC(N'SELECT COUNT(*) FROM #F_COMPTET# AS G WHERE G.CT_Type = 0;');", location);

        // One EXEC of one literal whose text, read back, is the statement with the quoted name.
        var execute = Assert.Single(SqlParsing.All<ExecuteStatement>(SqlParsing.Parse(sql)));
        var literal = Assert.IsType<StringLiteral>(Assert.Single(Assert.IsType<ExecutableStringList>(execute.ExecuteSpecification.ExecutableEntity).Strings));
        Assert.Equal("SELECT COUNT(*) FROM " + location.Qualifier + ".dbo.F_COMPTET AS G WHERE G.CT_Type = 0;", literal.Value);
        Assert.Single(SqlParsing.All<SelectStatement>(SqlParsing.Parse(literal.Value)));
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void In_an_sp_executesql_text_the_name_stays_inside_the_literal(string database)
    {
        var location = GesComLocation.Create("GESCOM01", database, null);

        string sql = TokenExpander.Expand("EXEC sys.sp_executesql N'SELECT @n = COUNT(*) FROM #F_COMPTET#;', N'@n int OUTPUT', @n = @count OUTPUT;", location);

        var execute = Assert.Single(SqlParsing.All<ExecuteStatement>(SqlParsing.Parse("DECLARE @count int;\n" + sql)));
        var first = Assert.IsType<StringLiteral>(execute.ExecuteSpecification.ExecutableEntity.Parameters[0].ParameterValue);
        Assert.Equal("SELECT @n = COUNT(*) FROM " + location.Qualifier + ".dbo.F_COMPTET;", first.Value);
    }

    [Fact]
    public void Outside_literals_the_name_is_QUOTENAMEs_and_text_around_is_kept()
    {
        var location = GesComLocation.Create(string.Empty, "O'Brien", null);

        // A comment's apostrophe starts no literal.
        Assert.Equal("SELECT N'[O''Brien].dbo.F_X', x FROM [O'Brien].dbo.F_COMPTET -- it's [O'Brien].dbo.P_A",
            TokenExpander.Expand("SELECT N'#F_X#', x FROM #F_COMPTET# -- it's #P_A#", location));
        Assert.Equal("SELECT 'it''s' FROM [O'Brien].dbo.F_COMPTET", TokenExpander.Expand("SELECT 'it''s' FROM #F_COMPTET#", location));
    }

    [Fact]
    public void A_token_in_a_literal_nested_in_another_is_refused_naming_its_line()
    {
        var location = GesComLocation.Create(string.Empty, "BIJOU", null);
        const string sql = "SELECT 1;\nEXEC(N'EXEC(N''SELECT * FROM #F_COMPTET#'')');";

        var error = Assert.Throws<TokenExpansionException>(() => TokenExpander.Expand(sql, location));

        Assert.Equal(2, error.Line);
        Assert.Contains("Line 2", error.Message, StringComparison.Ordinal);
        // A nested literal without a token is fine, and so is a token beside it.
        Assert.Equal("EXEC(N'SELECT ''x'' FROM [BIJOU].dbo.F_COMPTET');", TokenExpander.Expand("EXEC(N'SELECT ''x'' FROM #F_COMPTET#');", location));
    }

    [Fact]
    public void Crmdb_tokens_expand_refuses_a_nested_literal_token_with_exit_2_naming_the_line()
    {
        CliResult result = CliRunner.RunWithInput("SELECT 1;\nEXEC(N'EXEC(N''SELECT * FROM #F_COMPTET#'')');\n", "tokens", "expand", "--gescom-database", "BIJOU");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Ligne 2 : un joker #F_/#P_ se trouve dans une chaîne imbriquée", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }
}
