using System.Data.SqlTypes;
using System.Xml.Linq;
using CrmDb.Clr.Replication;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>
/// The SQLCLR entry points of the validation fingerprint and the limits, as dbo.MC_replicate calls
/// them: field lists written by FOR XML with the FieldNo in "no", answers it shreds by that number.
/// </summary>
public sealed class ReplicationValidationEntryPointsTests
{
    /// <summary>The list as dbo.MC_replicate writes it (FOR XML PATH('field'), ROOT('fields'), FieldNo in "no").</summary>
    private static SqlString Listed(params (int No, ReplicationField Field)[] fields) =>
        new(new XElement("fields", fields.Select(f => new XElement("field",
            new XAttribute("no", f.No), new XAttribute("parameter", f.Field.ParameterName),
            new XAttribute("column", f.Field.Column), new XAttribute("type", f.Field.ColumnType), f.Field.Expression))).ToString(SaveOptions.DisableFormatting));

    [Fact]
    public void References_give_the_tables_as_a_list_and_the_functions_as_XML()
    {
        var fields = Listed((3, Column), (5, Subquery), (8, Function));

        Assert.Equal("F_COMPTET,F_COMPTETG", ReplicationEntryPoints.References(fields, new SqlString("tables")).Value);
        var functions = XElement.Parse(ReplicationEntryPoints.References(fields, new SqlString("functions")).Value);
        Assert.Equal(["[dbo].[FCT_condpaiement]"], functions.Elements("function").Select(f => (string)f.Attribute("name")!));
        Assert.Equal("F_COMPTET", ReplicationEntryPoints.References(SqlString.Null, new SqlString("tables")).Value);
        Assert.Throws<ArgumentException>(() => ReplicationEntryPoints.References(fields, new SqlString("all")));
    }

    [Fact]
    public void Fingerprints_come_back_under_each_field_s_number_as_binary_literals()
    {
        var answer = XElement.Parse(ReplicationEntryPoints.Fingerprints(
            new SqlString(""), new SqlString(GesComDatabase), Listed((3, Column), (5, Subquery)),
            new SqlString("<gescom/>"), SqlString.Null, new SqlString("engine")).Value);

        var byNumber = answer.Elements("field").ToDictionary(f => (int)f.Attribute("no")!, f => (string)f.Attribute("fingerprint")!);
        Assert.Equal([3, 5], byNumber.Keys);
        var catalog = ReplicationCatalog.Parse("<gescom/>", null);
        Assert.Equal(ReplicationFingerprint.ToHex(ReplicationFingerprint.Compute(Local, Column, "engine", catalog)), byNumber[3]);
        Assert.Matches("^0x[0-9A-F]{64}$", byNumber[5]);
        Assert.NotEqual(byNumber[3], byNumber[5]);
    }

    [Fact]
    public void Limits_answer_NULL_within_them_and_name_the_refused_fields_by_number()
    {
        var wide = new ReplicationField("REPLI_acc_a_repli", "acc_a_repli", "nchar(4000)", "[CT_Intitule]");
        var wider = new ReplicationField("REPLI_acc_b_repli", "acc_b_repli", "nchar(4000)", "[CT_Intitule]");

        var narrower = new ReplicationField("REPLI_acc_c_repli", "acc_c_repli", "nchar(3900)", "[CT_Intitule]");
        Assert.True(ReplicationEntryPoints.LimitProblems(new SqlString(""), new SqlString(GesComDatabase), Listed((1, Column), (2, narrower))).IsNull);
        var refused = XElement.Parse(ReplicationEntryPoints.LimitProblems(new SqlString(""), new SqlString(GesComDatabase), Listed((4, wide), (9, wider))).Value);
        var field = Assert.Single(refused.Elements("field"));
        Assert.Equal(9, (int)field.Attribute("no")!);
        Assert.Equal("row", (string)field.Attribute("limit")!);
        Assert.StartsWith("une ligne de la table de lecture #MC_replicate_source atteindrait", field.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metadata_read_is_the_catalog_s_text_for_the_integration()
    {
        Assert.Equal(ReplicationCatalog.BuildGesComRead(Local), ReplicationEntryPoints.MetadataRead(new SqlString(""), new SqlString(GesComDatabase)).Value);
    }
}
