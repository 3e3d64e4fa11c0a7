using System.Security.Cryptography;
using System.Text;
using CrmDb.Clr;
using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>
/// The validation fingerprint (docs/replication.md, "Validation fingerprint"): what it covers, what
/// it ignores, and the metadata read it is computed from.
/// </summary>
public sealed class ReplicationFingerprintTests
{
    private const string Engine = "16.0.4135.4|160|French_CI_AS|sync";

    /// <summary>GesCom's catalog as the metadata read returns it (two tables, attributes in any order).</summary>
    private const string GesCom =
        "<gescom>"
        + "<c table=\"F_COMPTET\" id=\"901\" type=\"U \" no=\"1\" name=\"CT_Num\" system=\"167\" user=\"167\" length=\"17\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"0\" computed=\"0\"/>"
        + "<c table=\"F_COMPTET\" id=\"901\" type=\"U \" no=\"2\" name=\"CT_NumPayeur\" system=\"167\" user=\"167\" length=\"17\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"1\" computed=\"0\"/>"
        + "<c table=\"F_COMPTET\" id=\"901\" type=\"U \" no=\"3\" name=\"cbReplication\" system=\"56\" user=\"56\" length=\"4\" precision=\"10\" scale=\"0\" nullable=\"1\" computed=\"0\"/>"
        + "<c table=\"F_COMPTETG\" id=\"902\" type=\"U \" no=\"1\" name=\"CT_Num\" system=\"167\" user=\"167\" length=\"17\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"0\" computed=\"0\"/>"
        + "<c table=\"F_COMPTETG\" id=\"902\" type=\"U \" no=\"2\" name=\"CG_Num\" system=\"167\" user=\"167\" length=\"13\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"1\" computed=\"0\"/>"
        + "</gescom>";

    /// <summary>The CRM's functions as dbo.MC_replicate reads them: return value (0) and one parameter.</summary>
    private const string Functions =
        "<functions>"
        + "<p function=\"[dbo].[FCT_condpaiement]\" id=\"77\" type=\"FN\" modified=\"2026-11-30T10:00:00\" no=\"0\" parameter=\"\" system=\"231\" user=\"231\" length=\"-1\" precision=\"0\" scale=\"0\" output=\"1\"/>"
        + "<p function=\"[dbo].[FCT_condpaiement]\" id=\"77\" type=\"FN\" modified=\"2026-11-30T10:00:00\" no=\"1\" parameter=\"@CT_Num\" system=\"167\" user=\"167\" length=\"17\" precision=\"0\" scale=\"0\" output=\"0\"/>"
        + "</functions>";

    private static byte[] Of(ReplicationField field, string gescom = GesCom, string functions = Functions, string engine = Engine, GesComLocation? location = null) =>
        ReplicationFingerprint.Compute(location ?? Local, field, engine, ReplicationCatalog.Parse(gescom, functions));

    [Fact]
    public void The_same_declaration_and_metadata_give_the_same_fingerprint_whatever_the_order_of_the_rows_and_attributes()
    {
        string reordered = "<gescom>"
            + GesCom.Substring("<gescom>".Length, GesCom.Length - "<gescom></gescom>".Length).Split("/>").Where(r => r.Length > 0).Reverse()
                .Select(r => r + "/>").Aggregate(string.Empty, string.Concat)
            + "</gescom>";
        string attributesMoved = GesCom.Replace("no=\"2\" name=\"CT_NumPayeur\"", "name=\"CT_NumPayeur\" no=\"2\"", StringComparison.Ordinal);

        Assert.Equal(ReplicationFingerprint.Length, Of(Column).Length);
        // Two computations of the same input agree (nothing of the moment, such as a time or a random salt, goes in).
        Assert.Equal(Of(Column), Of(Column));
        Assert.Equal(Of(Column), Of(Column, gescom: reordered));
        Assert.Equal(Of(Column), Of(Column, gescom: attributesMoved));
        Assert.True(ReplicationFingerprint.Unchanged(Of(Column), Of(Column)));
    }

    [Fact]
    public void It_is_the_SHA_256_of_its_canonical_text()
    {
        var catalog = ReplicationCatalog.Parse(GesCom, Functions);
        string canonical = ReplicationFingerprint.Canonical(Local, Subquery, Engine, catalog);

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)), ReplicationFingerprint.Compute(Local, Subquery, Engine, catalog));
        Assert.StartsWith(ReplicationFingerprint.FormatVersion + "\n", canonical, StringComparison.Ordinal);
        // The tables the value reads, F_COMPTET included, and nothing it does not read.
        Assert.Contains("table F_COMPTET=", canonical, StringComparison.Ordinal);
        Assert.Contains("table F_COMPTETG=", canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("function", canonical, StringComparison.Ordinal);
        // Each table by the digest of its canonical columns.
        Assert.Contains("table F_COMPTETG=66:" + ReplicationFingerprint.ToHex(SHA256.HashData(Encoding.UTF8.GetBytes(catalog.Table("F_COMPTETG")))), canonical, StringComparison.Ordinal);
        Assert.Contains("CG_Num", catalog.Table("F_COMPTETG"), StringComparison.Ordinal);
        Assert.Equal("0x" + Convert.ToHexString(ReplicationFingerprint.Compute(Local, Subquery, Engine, catalog)),
            ReplicationFingerprint.ToHex(ReplicationFingerprint.Compute(Local, Subquery, Engine, catalog)));
    }

    public static TheoryData<string, Func<byte[]>> Changes => new()
    {
        { "the value", () => Of(new ReplicationField(Column.ParameterName, Column.Column, Column.ColumnType, "[CT_NumPayeur] ")) },
        { "the column's type", () => Of(new ReplicationField(Column.ParameterName, Column.Column, "nvarchar(18)", Column.Expression)) },
        { "the column", () => Of(new ReplicationField(Column.ParameterName, "acc_autre_repli", Column.ColumnType, Column.Expression)) },
        { "the parameter", () => Of(new ReplicationField("REPLI_ACC_numpayeur_repli", Column.Column, Column.ColumnType, Column.Expression)) },
        { "a column's type in F_COMPTET", () => Of(Column, gescom: GesCom.Replace("length=\"17\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"1\"", "length=\"35\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"1\"", StringComparison.Ordinal)) },
        { "a column's collation in F_COMPTET", () => Of(Column, gescom: GesCom.Replace("name=\"CT_NumPayeur\" system=\"167\" user=\"167\" length=\"17\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\"", "name=\"CT_NumPayeur\" system=\"167\" user=\"167\" length=\"17\" precision=\"0\" scale=\"0\" collation=\"French_CI_AS\"", StringComparison.Ordinal)) },
        { "a column added to F_COMPTET", () => Of(Column, gescom: GesCom.Replace("</gescom>", "<c table=\"F_COMPTET\" id=\"901\" type=\"U \" no=\"4\" name=\"CT_Nouveau\" system=\"56\" user=\"56\" length=\"4\" precision=\"10\" scale=\"0\" nullable=\"1\" computed=\"0\"/></gescom>", StringComparison.Ordinal)) },
        { "F_COMPTET recreated (new object_id)", () => Of(Column, gescom: GesCom.Replace("id=\"901\"", "id=\"905\"", StringComparison.Ordinal)) },
        { "F_COMPTET no longer visible", () => Of(Column, gescom: "<gescom/>") },
        { "the engine", () => Of(Column, engine: "17.0.1000.7|170|French_CI_AS|sync") },
        { "the user", () => Of(Column, engine: "16.0.4135.4|160|French_CI_AS|support") },
        { "the GesCom database", () => Of(Column, location: GesComLocation.Create(string.Empty, "GesCom2", null)) },
        { "the linked server", () => Of(Column, location: GesComLocation.Create("SRVGC", GesComDatabase, null)) },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_change_of_what_decides_the_check_changes_the_fingerprint(string change, Func<byte[]> changed)
    {
        Assert.False(ReplicationFingerprint.Unchanged(Of(Column), changed()), change);
    }

    [Fact]
    public void A_function_s_signature_or_modification_changes_the_fingerprint_of_the_fields_calling_it_only()
    {
        string altered = Functions.Replace("2026-11-30T10:00:00", "2026-12-01T08:00:00", StringComparison.Ordinal);
        string parameterWidened = Functions.Replace("length=\"17\"", "length=\"35\"", StringComparison.Ordinal);

        Assert.NotEqual(Of(Function), Of(Function, functions: altered));
        Assert.NotEqual(Of(Function), Of(Function, functions: parameterWidened));
        Assert.NotEqual(Of(Function), Of(Function, functions: "<functions/>"));
        Assert.Equal(Of(Column), Of(Column, functions: altered));
        Assert.Equal(Of(Subquery), Of(Subquery, functions: "<functions/>"));
    }

    [Fact]
    public void A_change_to_a_table_a_value_does_not_read_leaves_its_fingerprint()
    {
        string otherTableChanged = GesCom.Replace("length=\"13\"", "length=\"17\"", StringComparison.Ordinal);

        Assert.Equal(Of(Column), Of(Column, gescom: otherTableChanged));
        Assert.NotEqual(Of(Subquery), Of(Subquery, gescom: otherTableChanged));
    }

    [Fact]
    public void A_missing_stored_fingerprint_or_one_of_another_length_is_a_change()
    {
        byte[] current = Of(Column);

        Assert.False(ReplicationFingerprint.Unchanged(null, current));
        Assert.False(ReplicationFingerprint.Unchanged(current[..16], current));
        byte[] flipped = (byte[])current.Clone();
        flipped[^1] ^= 1;
        Assert.False(ReplicationFingerprint.Unchanged(flipped, current));
    }

    [Fact]
    public void The_values_are_length_prefixed_so_that_no_value_passes_for_another()
    {
        // A value ending like the next line's start would give the same text without the prefixes.
        var shifted = new ReplicationField(Column.ParameterName, Column.Column, Column.ColumnType + "\nvalue=", Column.Expression);
        Assert.NotEqual(Of(Column), ReplicationFingerprint.Compute(Local, shifted, Engine, ReplicationCatalog.Parse(GesCom, Functions)));
    }

    [Fact]
    public void The_references_are_the_token_tables_and_the_schema_qualified_calls()
    {
        var references = ReplicationReferences.Of(
            "COALESCE((SELECT TOP (1) R.R_Intitule FROM #P_REGLEMENT# AS R WHERE R.cbIndice = G.N_Condition), dbo.FCT_condpaiement(G.CT_Num), [dbo].[FCT_x]([CT_Num]), LEFT(CT_Num, 2), (SELECT COUNT(*) FROM #p_reglement# AS P))");

        Assert.Equal(["F_COMPTET", "P_REGLEMENT"], references.Tables);
        Assert.Equal(["[dbo].[FCT_condpaiement]", "[dbo].[FCT_x]"], references.Functions);
        Assert.Equal("F_COMPTET,P_REGLEMENT", references.TableList());
        Assert.Equal("<functions><function name=\"[dbo].[FCT_condpaiement]\" /><function name=\"[dbo].[FCT_x]\" /></functions>", references.FunctionListXml());
        // Columns of two parts and a #temp-like word that is no token are not references.
        Assert.Equal(["F_COMPTET"], ReplicationReferences.Of("G.[CT_NumPayeur]").Tables);
        Assert.Empty(ReplicationReferences.Of("G.[CT_NumPayeur]").Functions);
        Assert.Equal(["F_COMPTET", "F_COMPTETG"], ReplicationReferences.Of(AllKinds).Tables);
        Assert.Equal(["[dbo].[FCT_condpaiement]"], ReplicationReferences.Of(AllKinds).Functions);
    }

    [Theory]
    [InlineData("", "GesCom", "[GesCom].sys.objects")]
    [InlineData("SRVGC", "GesCom", "[SRVGC].[GesCom].sys.objects")]
    [InlineData("SRV]GC", "Ges Com", "[SRV]]GC].[Ges Com].sys.objects")]
    public void The_metadata_read_reaches_GesCom_s_catalog_by_three_or_four_part_names_with_the_tables_as_a_parameter(string server, string database, string objects)
    {
        string sql = ReplicationCatalog.BuildGesComRead(GesComLocation.Create(server, database, null));

        var statement = Assert.IsType<SetVariableStatement>(Assert.Single(ParseBatch(sql).Statements));
        Assert.Equal("@metadata", statement.Variable.Name);
        Assert.Contains(objects, sql, StringComparison.Ordinal);
        var tables = SqlParsing.All<NamedTableReference>(statement).Select(t => string.Join(".", t.SchemaObject.Identifiers.Select(i => i.Value))).ToList();
        Assert.Equal(3, tables.Count);
        Assert.All(tables, t => Assert.Equal(server.Length == 0 ? 3 : 4, t.Split('.').Length - (database.Contains('.') ? 1 : 0)));
        // Every variable is one of the sp_executesql parameter list, and no table name is written into the text.
        var declared = ReplicationCatalog.GesComReadParameterDefinitions.Split(',').Select(p => p.Trim().Split(' ')[0]).ToHashSet();
        Assert.All(SqlParsing.All<VariableReference>(statement), v => Assert.Contains(v.Name, declared));
        Assert.DoesNotContain("F_COMPTET", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void The_catalog_tells_a_visible_table_from_an_absent_one()
    {
        var catalog = ReplicationCatalog.Parse(GesCom, null);

        Assert.True(catalog.HasTable("F_COMPTET"));
        Assert.True(catalog.HasTable("f_comptet"));
        Assert.False(catalog.HasTable("P_REGLEMENT"));
        Assert.Equal(ReplicationCatalog.Absent, catalog.Table("P_REGLEMENT"));
        Assert.Equal(ReplicationCatalog.Absent, catalog.Function("[dbo].[FCT_condpaiement]"));
        Assert.Throws<FormatException>(() => ReplicationCatalog.Parse("<other/>", null));
    }
}
