using CrmDb.Clr;
using CrmDb.Clr.Autosync;

namespace CrmDb.Tests.Autosync;

/// <summary>The catalog's XML (as dbo.MC_autosynccatalog writes it) to the ordered hook list.</summary>
public sealed class HookCatalogTests
{
    private static readonly HookValues Cycle = new(3, "warning", "[BIJOU]", 50);

    private static string Procedure(string name, string definition, params string[] parameters) =>
        $"<procedure schema=\"dbo\" name=\"{name}\"><definition>{System.Security.SecurityElement.Escape(definition)}</definition>"
        + string.Concat(parameters) + "</procedure>";

    private static string Parameter(string name, string type, int maxLength, string? userType = null) =>
        $"<parameter name=\"{name}\" type=\"{type}\" usertype=\"{userType ?? type}\" maxlength=\"{maxLength}\" precision=\"0\" scale=\"0\" output=\"0\" readonly=\"0\" hasdefault=\"0\"/>";

    [Fact]
    public void Hooks_come_in_run_order_with_off_pattern_names_last_and_never_run()
    {
        string xml = "<procedures>"
            + Procedure("AUTOSYNC_1000_last", "CREATE PROCEDURE dbo.AUTOSYNC_1000_last AS SELECT 1;")
            + Procedure("AUTOSYNC_bad", "CREATE PROCEDURE dbo.AUTOSYNC_bad AS SELECT 1;")
            + Procedure("AUTOSYNC_0301_b", "CREATE PROCEDURE dbo.AUTOSYNC_0301_b @tokenAccount int AS SELECT 1;", Parameter("@tokenAccount", "int", 4))
            + Procedure("AUTOSYNC_0301_a", "CREATE PROCEDURE dbo.AUTOSYNC_0301_a @Other int AS SELECT 1;", Parameter("@Other", "int", 4))
            + Procedure("AUTOSYNC_20_first", "CREATE PROCEDURE dbo.AUTOSYNC_20_first AS SELECT 1;")
            + "</procedures>";

        var entries = HookCatalog.Plan(HookCatalog.ParseXml(xml), Cycle);

        Assert.Equal(["AUTOSYNC_20_first", "AUTOSYNC_0301_a", "AUTOSYNC_0301_b", "AUTOSYNC_1000_last", "AUTOSYNC_bad"], entries.Select(e => e.Name));
        Assert.Equal([1, 2, 3, 4, 5], entries.Select(e => e.RunOrder));
        Assert.Equal([true, false, true, true, false], entries.Select(e => e.IsConforming));
        Assert.StartsWith("Non conforme : @Other ne fait pas partie du contrat", entries[1].Reason, StringComparison.Ordinal);
        Assert.StartsWith("Nom hors norme", entries[4].Reason, StringComparison.Ordinal);
        Assert.Null(entries[4].Order);
        Assert.Null(entries[1].Statement);
        Assert.Equal("EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_b] @tokenAccount = @tokenAccount;", entries[2].Statement);
        Assert.Equal("EXEC [dbo].[AUTOSYNC_0301_b] @tokenAccount = 50;", entries[2].Display);
        Assert.Equal("@tokenAccount int", entries[2].Parameters);
        Assert.Equal(("0301", "b"), (entries[2].Order, entries[2].Label));
    }

    [Fact]
    public void A_default_found_in_the_definition_makes_an_extra_parameter_acceptable()
    {
        string definition = "CREATE PROCEDURE dbo.AUTOSYNC_0100_x\n  @tokenAccount int,\n  @Mode nvarchar(10) = N'full' -- optional\nAS SELECT 1;";
        string xml = "<procedures>"
            + Procedure("AUTOSYNC_0100_x", definition, Parameter("@tokenAccount", "int", 4), Parameter("@Mode", "nvarchar", 20))
            + "</procedures>";

        var entry = Assert.Single(HookCatalog.Plan(HookCatalog.ParseXml(xml), Cycle));

        Assert.True(entry.IsConforming, entry.Reason);
        Assert.Equal("@tokenAccount int, @Mode nvarchar(10) = …", entry.Parameters);
    }

    [Fact]
    public void Without_a_readable_definition_an_extra_parameter_is_not_conforming()
    {
        string xml = "<procedures><procedure schema=\"dbo\" name=\"AUTOSYNC_0100_x\">" + Parameter("@Mode", "nvarchar", 20) + "</procedure></procedures>";

        var entry = Assert.Single(HookCatalog.Plan(HookCatalog.ParseXml(xml), Cycle));

        Assert.False(entry.IsConforming);
        Assert.Contains("VIEW DEFINITION", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CLR_procedure_default_comes_from_the_catalog()
    {
        string xml = "<procedures><procedure schema=\"dbo\" name=\"AUTOSYNC_0100_clr\">"
            + "<parameter name=\"@Mode\" type=\"int\" usertype=\"int\" maxlength=\"4\" precision=\"10\" scale=\"0\" output=\"0\" readonly=\"0\" hasdefault=\"1\"/>"
            + "</procedure></procedures>";

        var entry = Assert.Single(HookCatalog.Plan(HookCatalog.ParseXml(xml), Cycle));

        Assert.True(entry.IsConforming, entry.Reason);
    }

    [Fact]
    public void Definitions_with_markup_and_control_characters_are_read_as_written()
    {
        // FOR XML escapes <, & and writes control characters as character references.
        string xml = "<procedures><procedure schema=\"dbo\" name=\"AUTOSYNC_0100_x\"><definition>CREATE PROCEDURE dbo.AUTOSYNC_0100_x @a int = 1 AS SELECT 1 WHERE 2 &lt; 3 AND N'&amp;' = N'&#x1;';</definition>"
            + Parameter("@a", "int", 4) + "</procedure><procedure schema=\"dbo\" name=\"AUTOSYNC_0200_y\"/></procedures>";

        var procedures = HookCatalog.ParseXml(xml);

        Assert.Equal(2, procedures.Count);
        Assert.Equal("CREATE PROCEDURE dbo.AUTOSYNC_0100_x @a int = 1 AS SELECT 1 WHERE 2 < 3 AND N'&' = N'\u0001';", procedures[0].Definition);
        Assert.Single(procedures[0].Parameters);
        Assert.Empty(procedures[1].Parameters);
        Assert.All(HookCatalog.Plan(procedures, Cycle), e => Assert.True(e.IsConforming, e.Reason));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("<procedures/>")]
    public void No_procedure_gives_no_hook(string? xml)
    {
        Assert.Empty(HookCatalog.Plan(HookCatalog.ParseXml(xml), Cycle));
    }

    [Fact]
    public void The_SQL_table_function_returns_the_same_rows()
    {
        string xml = "<procedures>" + Procedure("AUTOSYNC_0301_b", "CREATE PROCEDURE dbo.AUTOSYNC_0301_b @tokenAccount nvarchar(20) AS SELECT 1;", Parameter("@tokenAccount", "nvarchar", 40)) + "</procedures>";

        var row = Assert.Single(AutosyncEntryPoints.AutosyncHooks(xml, 3, "warning", "[BIJOU]", 50).Cast<object>());
        AutosyncEntryPoints.FillHookRow(row, out var runOrder, out var schema, out var name, out var order, out var label,
            out var conforming, out var reason, out var parameters, out var statement, out var display);

        Assert.Equal(1, runOrder.Value);
        Assert.Equal(("dbo", "AUTOSYNC_0301_b", "0301", "b"), (schema.Value, name.Value, order.Value, label.Value));
        Assert.True(conforming.Value);
        Assert.True(reason.IsNull);
        Assert.Equal("@tokenAccount nvarchar(20)", parameters.Value);
        Assert.Equal("DECLARE @Bind1 nvarchar(20) = CONVERT(nvarchar(20), @tokenAccount);\nEXEC @ReturnCode = [dbo].[AUTOSYNC_0301_b] @tokenAccount = @Bind1;", statement.Value);
        Assert.Equal("EXEC [dbo].[AUTOSYNC_0301_b] @tokenAccount = N'50';", display.Value);
    }
}
