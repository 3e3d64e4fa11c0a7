using CrmDb.Clr;

namespace CrmDb.Tests.Clr;

/// <summary>docs/design.md decision 3: #F_/#P_ tokens, three- or four-part names, QUOTENAME quoting.</summary>
public sealed class TokenExpanderTests
{
    public static TheoryData<string, string, string, string?, string> Cases => new()
    {
        // sql, server, database, local server, expected
        { "SELECT * FROM #F_COMPTET#", "SRV", "BIJOU", null, "SELECT * FROM [SRV].[BIJOU].dbo.F_COMPTET" },
        { "SELECT * FROM #P_REGLEMENT#", "SRV", "BIJOU", null, "SELECT * FROM [SRV].[BIJOU].dbo.P_REGLEMENT" },
        { "SELECT * FROM #F_COMPTET#", "", "BIJOU", null, "SELECT * FROM [BIJOU].dbo.F_COMPTET" },
        { "SELECT * FROM #F_COMPTET#", ".", "BIJOU", null, "SELECT * FROM [BIJOU].dbo.F_COMPTET" },
        { "SELECT * FROM #F_COMPTET#", "(local)", "BIJOU", null, "SELECT * FROM [BIJOU].dbo.F_COMPTET" },
        { "SELECT * FROM #F_COMPTET#", "LOCALHOST", "BIJOU", null, "SELECT * FROM [BIJOU].dbo.F_COMPTET" },
        { "SELECT * FROM #F_COMPTET#", "crm-sql01", "BIJOU", "CRM-SQL01", "SELECT * FROM [BIJOU].dbo.F_COMPTET" },
        { "SELECT * FROM #F_COMPTET#", "GESCOM01", "BIJOU", "CRM-SQL01", "SELECT * FROM [GESCOM01].[BIJOU].dbo.F_COMPTET" },
        // The text between the two # is kept as written.
        { "SELECT * FROM #F_ComptET#", "", "B", null, "SELECT * FROM [B].dbo.F_ComptET" },
        { "#F_A##P_B#", "", "B", null, "[B].dbo.F_A[B].dbo.P_B" },
        { "#F_X1_2#;", "", "B", null, "[B].dbo.F_X1_2;" },
        // Not tokens: temporary tables, other prefixes, bad characters, empty names, lowercase prefixes.
        { "SELECT * FROM #work JOIN #F_COMPTET# ON 1=1", "", "B", null, "SELECT * FROM #work JOIN [B].dbo.F_COMPTET ON 1=1" },
        { "SELECT * FROM #work#", "", "B", null, "SELECT * FROM #work#" },
        { "#X_COMPTET#", "", "B", null, "#X_COMPTET#" },
        { "#F_#", "", "B", null, "#F_#" },
        { "#F_A B#", "", "B", null, "#F_A B#" },
        { "#F_A-B#", "", "B", null, "#F_A-B#" },
        { "#f_comptet#", "", "B", null, "#f_comptet#" },
        { "#F_COMPTET", "", "B", null, "#F_COMPTET" },
        { "##F_COMPTET#", "", "B", null, "#[B].dbo.F_COMPTET" },
        { "", "", "B", null, "" },
        { "no token at all", "S", "B", null, "no token at all" },
        // Hostile names are quoted exactly as QUOTENAME quotes them.
        { "#F_COMPTET#", "SRV]1", "DB]X", null, "[SRV]]1].[DB]]X].dbo.F_COMPTET" },
        { "#F_COMPTET#", "srv'; DROP TABLE Account;--", "a b", null, "[srv'; DROP TABLE Account;--].[a b].dbo.F_COMPTET" },
        { "#F_COMPTET#", "", "x]];DROP TABLE Account--", null, "[x]]]];DROP TABLE Account--].dbo.F_COMPTET" },
        { "#F_COMPTET#", "", "Base \"GesCom\" 2024", null, "[Base \"GesCom\" 2024].dbo.F_COMPTET" },
        { "#F_COMPTET#", "  ", "  BIJOU  ", null, "[BIJOU].dbo.F_COMPTET" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Expands_tokens_as_decision_3_says(string sql, string server, string database, string? localServer, string expected)
    {
        var location = GesComLocation.Create(server, database, localServer);

        string expanded = TokenExpander.Expand(sql, location);

        Assert.Equal(expected, expanded);
    }

    [Theory]
    [InlineData("SELECT 1", 0)]
    [InlineData("#F_A# #P_B# #work# #F_#", 2)]
    [InlineData("##F_A##", 1)]
    public void Counts_only_real_tokens(string sql, int expected)
    {
        Assert.Equal(expected, TokenExpander.CountTokens(sql));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_database_is_refused_with_a_clear_message(string? database)
    {
        var error = Assert.Throws<ArgumentException>(() => GesComLocation.Create("SRV", database, null));

        Assert.Contains("GesCom database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_longer_than_QUOTENAME_accepts_is_refused()
    {
        Assert.Throws<ArgumentException>(() => GesComLocation.Create(new string('s', 129), "DB", null));
        Assert.Throws<ArgumentException>(() => GesComLocation.Create("", new string('d', 129), null));
        Assert.Equal("[" + new string('d', 128) + "]", GesComLocation.Create("", new string('d', 128), null).Qualifier);
    }

    [Fact]
    public void Expanded_text_with_hostile_names_still_parses_as_one_select()
    {
        var location = GesComLocation.Create("srv]; DROP TABLE Account;--", "db'x", null);

        string sql = TokenExpander.Expand("SELECT CT_Num FROM #F_COMPTET# AS G WHERE G.cbReplication >= @token;", location);

        var fragment = (Microsoft.SqlServer.TransactSql.ScriptDom.TSqlScript)Infrastructure.SqlParsing.Parse(sql);
        var statement = Assert.Single(Assert.Single(fragment.Batches).Statements);
        Assert.IsType<Microsoft.SqlServer.TransactSql.ScriptDom.SelectStatement>(statement);
    }

    [Fact]
    public void The_qualifier_is_what_hooks_receive_as_GesComBaseInt()
    {
        Assert.Equal("[SRV].[BIJOU]", GesComLocation.Create("SRV", "BIJOU", null).Qualifier);
        Assert.Equal("[BIJOU]", GesComLocation.Create("", "BIJOU", null).Qualifier);
        Assert.True(GesComLocation.Create("(LOCAL)", "BIJOU", null).IsLocal);
    }
}
