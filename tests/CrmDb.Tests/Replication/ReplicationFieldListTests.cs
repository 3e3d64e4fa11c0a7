using System.Data.SqlTypes;
using CrmDb.Clr.Replication;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>The XML field list MC_replicate hands to the CLR, and the SQLCLR entry points.</summary>
public sealed class ReplicationFieldListTests
{
    [Fact]
    public void What_FOR_XML_PATH_writes_is_read_back_field_by_field()
    {
        // As SQL Server writes it: attributes, the expression as text, CR as a character reference.
        const string xml = "<fields>"
            + "<field parameter=\"REPLI_acc_numpayeur_repli\" column=\"acc_numpayeur_repli\" type=\"nvarchar(17)\">[CT_NumPayeur]</field>"
            + "<field parameter=\"REPLI_acc_x_repli\" column=\"acc_x_repli\" type=\"nvarchar(max)\">CASE WHEN CT_Encours &gt; 0 AND CT_Ville &lt;&gt; N'A&amp;B' THEN 1 END&#x0D;\n-- fin</field>"
            + "</fields>";

        var fields = ReplicationFieldList.Parse(xml);

        Assert.Equal(2, fields.Count);
        Assert.Equal(("REPLI_acc_numpayeur_repli", "acc_numpayeur_repli", "nvarchar(17)", "[CT_NumPayeur]"),
            (fields[0].ParameterName, fields[0].Column, fields[0].ColumnType, fields[0].Expression));
        Assert.Equal("CASE WHEN CT_Encours > 0 AND CT_Ville <> N'A&B' THEN 1 END\r\n-- fin", fields[1].Expression);
    }

    [Fact]
    public void Fields_written_by_Format_are_read_back_unchanged()
    {
        var fields = new List<ReplicationField>(AllKinds)
        {
            new("REPLI_acc_y_repli", "acc_y]\"<&>_repli", "nvarchar(10)", "N'a\"b' + '<&>'\r\n+ 'c'"),
        };

        var read = ReplicationFieldList.Parse(ReplicationFieldList.Format(fields));

        Assert.Equal(
            fields.Select(f => (f.ParameterName, f.Column, f.ColumnType, f.Expression)),
            read.Select(f => (f.ParameterName, f.Column, f.ColumnType, f.Expression)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("<fields/>")]
    [InlineData("<fields></fields>")]
    public void No_field_is_an_empty_list(string? xml)
    {
        Assert.Empty(ReplicationFieldList.Parse(xml));
    }

    [Theory]
    [InlineData("<field parameter=\"p\" column=\"c\" type=\"int\">x</field>")]
    [InlineData("<fields><other/></fields>")]
    [InlineData("<fields><field column=\"c\" type=\"int\">x</field></fields>")]
    [InlineData("<!DOCTYPE fields [<!ENTITY e \"x\">]><fields/>")]
    public void Anything_else_is_refused(string xml)
    {
        Assert.ThrowsAny<Exception>(() => ReplicationFieldList.Parse(xml));
    }

    [Fact]
    public void The_SQL_entry_points_adapt_SQL_types_to_the_shared_code()
    {
        Assert.Equal("acc_numpayeur_repli", ReplicationEntryPoints.ReplicationColumn(new SqlString("REPLI_acc_numpayeur_repli")).Value);
        Assert.True(ReplicationEntryPoints.ReplicationColumn(new SqlString("REPLI_acc_a b_repli")).IsNull);
        Assert.True(ReplicationEntryPoints.ReplicationColumn(SqlString.Null).IsNull);

        Assert.Equal("nvarchar(17)", ReplicationEntryPoints.ReplicationType(new SqlString("nvarchar"), new SqlInt16(34), new SqlByte(0), new SqlByte(0)).Value);
        Assert.True(ReplicationEntryPoints.ReplicationType(new SqlString("xml"), new SqlInt16(-1), new SqlByte(0), new SqlByte(0)).IsNull);
        Assert.True(ReplicationEntryPoints.ReplicationType(SqlString.Null, new SqlInt16(4), new SqlByte(10), new SqlByte(0)).IsNull);

        Assert.True(ReplicationEntryPoints.ReplicationValueProblem(new SqlString("[CT_NumPayeur]"), new SqlString("dbo.FCT_condpaiement")).IsNull);
        Assert.False(ReplicationEntryPoints.ReplicationValueProblem(SqlString.Null, new SqlString("dbo.FCT_condpaiement")).IsNull);
        Assert.False(ReplicationEntryPoints.ReplicationValueProblem(new SqlString("(SELECT TOP (1) U.User_Logon FROM dbo.Users AS U)"), new SqlString("dbo.FCT_condpaiement")).IsNull);

        Assert.Equal(
            ReplicationStatementBuilder.BuildSourceCheck(Local),
            ReplicationEntryPoints.ReplicationCheck(new SqlString(""), new SqlString(GesComDatabase), SqlString.Null, SqlString.Null).Value);
        Assert.Equal(
            ReplicationStatementBuilder.BuildCheck(Local, "[CT_NumPayeur]", "nvarchar(17)"),
            ReplicationEntryPoints.ReplicationCheck(new SqlString(""), new SqlString(GesComDatabase), new SqlString("[CT_NumPayeur]"), new SqlString("nvarchar(17)")).Value);

        var fields = new SqlString(ReplicationFieldList.Format(AllKinds));
        Assert.Equal(
            ReplicationStatementBuilder.BuildColumns(AllKinds),
            ReplicationEntryPoints.ReplicationStatement(new SqlString(""), new SqlString(GesComDatabase), fields, new SqlString("columns")).Value);
        Assert.Equal(
            ReplicationStatementBuilder.BuildRead(Local, AllKinds),
            ReplicationEntryPoints.ReplicationStatement(new SqlString(""), new SqlString(GesComDatabase), fields, new SqlString("read")).Value);
        Assert.Equal(
            ReplicationStatementBuilder.BuildWrite(AllKinds),
            ReplicationEntryPoints.ReplicationStatement(new SqlString(""), new SqlString(GesComDatabase), fields, new SqlString("write")).Value);
        Assert.Equal(
            ReplicationStatementBuilder.BuildRead(Local, []),
            ReplicationEntryPoints.ReplicationStatement(new SqlString(""), new SqlString(GesComDatabase), SqlString.Null, new SqlString("read")).Value);
        Assert.Equal(string.Empty, ReplicationEntryPoints.ReplicationStatement(new SqlString(""), new SqlString(GesComDatabase), SqlString.Null, new SqlString("columns")).Value);
        Assert.Throws<ArgumentException>(() => ReplicationEntryPoints.ReplicationStatement(new SqlString(""), new SqlString(GesComDatabase), fields, new SqlString("all")));
    }
}
