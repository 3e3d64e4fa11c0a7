using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;

namespace CrmDb.Tests.Replication;

/// <summary>tests/fixtures/GesCom: the Sage 100 GesCom tables as docs/design.md ("Sage schema facts") describes them (issue 5, item 3).</summary>
public sealed class GesComFixtureTests : IDisposable
{
    private readonly TSqlModel model = TSqlModel.LoadFromDacpac(
        Repository.PathOf("tests", "fixtures", "GesCom", "bin", Repository.Configuration, "GesCom.dacpac"),
        new ModelLoadOptions(DacSchemaModelStorageType.Memory, loadAsScriptBackedModel: false));

    public void Dispose() => model.Dispose();

    [Theory]
    [InlineData("F_COMPTET", true)]
    [InlineData("F_COMPTETG", true)]
    [InlineData("F_REGLEMENTT", true)]
    [InlineData("P_REGLEMENT", false)]
    public void Each_table_has_its_cbMarq_identity_key_and_F_tables_the_cb_columns(string table, bool isF)
    {
        var columns = Columns(table);

        Assert.True(columns["cbMarq"].GetProperty<bool>(Column.IsIdentity));
        var key = Assert.Single(model.GetObjects(DacQueryScopes.UserDefined, PrimaryKeyConstraint.TypeClass),
            k => k.GetReferenced(PrimaryKeyConstraint.Host).Single().Name.Parts[^1] == table);
        Assert.Equal("PK_CBMARQ_" + table, key.Name.Parts[^1]);
        Assert.True(key.GetProperty<bool>(PrimaryKeyConstraint.Clustered));
        Assert.Equal(["cbMarq"], key.GetReferenced(PrimaryKeyConstraint.Columns).Select(c => c.Name.Parts[^1]));
        foreach (string cb in new[] { "cbProt", "cbCreateur", "cbModification", "cbReplication", "cbFlag" })
        {
            Assert.Equal(isF, columns.ContainsKey(cb));
        }

        if (isF)
        {
            Assert.Equal("int", TypeOf(columns["cbReplication"]));
            Assert.True(columns["cbReplication"].GetProperty<bool>(Column.Nullable));
            Assert.Equal(ColumnType.ComputedColumn, columns["cbCT_Num"].GetMetadata<ColumnType>(Column.ColumnType));
        }
    }

    [Fact]
    public void F_COMPTET_has_the_columns_replication_reads_with_the_newer_widths()
    {
        var columns = Columns("F_COMPTET");

        Assert.Equal(("varchar", 17), (TypeOf(columns["CT_Num"]), columns["CT_Num"].GetProperty<int>(Column.Length)));
        Assert.False(columns["CT_Num"].GetProperty<bool>(Column.Nullable));
        Assert.Equal(69, columns["CT_Intitule"].GetProperty<int>(Column.Length));
        Assert.Equal("datetime", TypeOf(columns["cbModification"]));
        Assert.Contains("cbCreation", columns.Keys);
        Assert.Contains("CT_Commentaire libre", columns.Keys);
        foreach (string name in new[] { "CT_Type", "CG_NumPrinc", "CT_NumPayeur", "CT_Sommeil", "CT_EMail", "CT_Telephone", "CT_Ville", "CT_Encours", "N_Condition" })
        {
            Assert.Contains(name, columns.Keys);
        }

        var unique = Assert.Single(model.GetObjects(DacQueryScopes.UserDefined, UniqueConstraint.TypeClass),
            u => u.Name.Parts[^1] == "UKA_F_COMPTET_CT_Num");
        Assert.Equal(["CT_Num"], unique.GetReferenced(UniqueConstraint.Columns).Select(c => c.Name.Parts[^1]));
    }

    [Fact]
    public void The_payment_tables_hold_what_the_payment_terms_function_reads()
    {
        var terms = Columns("F_REGLEMENTT");
        var methods = Columns("P_REGLEMENT");

        foreach (string name in new[] { "CT_Num", "N_Reglement", "RT_Condition", "RT_NbJour", "RT_JourTb01", "RT_JourTb06", "RT_TRepart", "RT_VRepart" })
        {
            Assert.Contains(name, terms.Keys);
        }

        Assert.Equal(["cbMarq", "R_Intitule", "R_Code", "cbIndice"], methods.Keys);
    }

    [Fact]
    public void The_fixture_uses_a_collation_other_than_the_CRM_s()
    {
        Assert.Equal("Latin1_General_CI_AS", model.CopyModelOptions().Collation);
    }

    private Dictionary<string, TSqlObject> Columns(string table)
    {
        var found = model.GetObject(Table.TypeClass, new ObjectIdentifier("dbo", table), DacQueryScopes.UserDefined);
        Assert.NotNull(found);
        var columns = new Dictionary<string, TSqlObject>(StringComparer.Ordinal);
        foreach (var column in found.GetReferenced(Table.Columns))
        {
            columns.Add(column.Name.Parts[^1], column);
        }

        return columns;
    }

    private static string? TypeOf(TSqlObject column) =>
        column.GetReferenced(Column.DataType).SingleOrDefault()?.Name.Parts[^1];
}
