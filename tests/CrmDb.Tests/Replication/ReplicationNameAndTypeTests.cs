using CrmDb.Clr.Replication;

namespace CrmDb.Tests.Replication;

/// <summary>docs/design.md decision 4: REPLI_acc_&lt;x&gt;_repli names and the column types replication writes.</summary>
public sealed class ReplicationNameAndTypeTests
{
    [Theory]
    [InlineData("REPLI_acc_numpayeur_repli", "acc_numpayeur_repli")]
    [InlineData("REPLI_acc_numprinc_repli", "acc_numprinc_repli")]
    [InlineData("REPLI_acc_condpaiement_repli", "acc_condpaiement_repli")]
    [InlineData("REPLI_acc_x_repli", "acc_x_repli")]
    [InlineData("REPLI_acc_Ville2_repli", "acc_Ville2_repli")]
    [InlineData("REPLI_acc_code_postal_repli", "acc_code_postal_repli")]
    [InlineData("REPLI_acc___repli", "acc___repli")]
    // The CRM database is case-insensitive: prefix and suffix in any case, the column as written.
    [InlineData("repli_ACC_Payeur_REPLI", "ACC_Payeur_REPLI")]
    public void A_declared_name_gives_its_Account_column(string parameter, string column)
    {
        Assert.Equal(column, ReplicationParameter.ColumnOf(parameter));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("REPLI_acc__repli")]
    [InlineData("REPLI_acc_repli")]
    [InlineData("REPLI_acc_numpayeur")]
    [InlineData("acc_numpayeur_repli")]
    [InlineData("REPLI_numpayeur_repli")]
    [InlineData("REPLIXacc_numpayeur_repli")]
    [InlineData("REPLI_acc_num payeur_repli")]
    [InlineData("REPLI_acc_num-payeur_repli")]
    [InlineData("REPLI_acc_num]payeur_repli")]
    [InlineData("REPLI_acc_numpayeur_repli ")]
    [InlineData("REPLI_acc_numéro_repli")]
    [InlineData("REPLI_acc_x];DROP TABLE Account;--_repli")]
    public void A_name_off_the_pattern_declares_nothing(string? parameter)
    {
        Assert.Null(ReplicationParameter.ColumnOf(parameter));
    }

    [Fact]
    public void A_column_name_longer_than_a_SQL_name_declares_nothing()
    {
        string x = new('x', 128 - "acc__repli".Length);
        Assert.Equal("acc_" + x + "_repli", ReplicationParameter.ColumnOf("REPLI_acc_" + x + "_repli"));
        Assert.Null(ReplicationParameter.ColumnOf("REPLI_acc_" + x + "y_repli"));
    }

    [Fact]
    public void The_LIKE_pattern_escapes_the_underscore_wildcard()
    {
        // Unescaped, '_' matches any character: REPLIXaccYzZrepli would be selected.
        Assert.Equal("REPLI[_]acc[_]%[_]repli", ReplicationParameter.LikePattern);
    }

    [Theory]
    [InlineData("nvarchar", 34, 0, 0, "nvarchar(17)", true)]
    [InlineData("nvarchar", -1, 0, 0, "nvarchar(max)", true)]
    [InlineData("NVARCHAR", 8000, 0, 0, "nvarchar(4000)", true)]
    [InlineData("nchar", 6, 0, 0, "nchar(3)", true)]
    [InlineData("varchar", 69, 0, 0, "varchar(69)", true)]
    [InlineData("char", 4, 0, 0, "char(4)", true)]
    [InlineData("varbinary", -1, 0, 0, "varbinary(max)", false)]
    [InlineData("binary", 18, 0, 0, "binary(18)", false)]
    [InlineData("numeric", 13, 24, 6, "numeric(24,6)", false)]
    [InlineData("decimal", 9, 9, 2, "decimal(9,2)", false)]
    [InlineData("datetime2", 8, 27, 7, "datetime2(7)", false)]
    [InlineData("time", 5, 16, 3, "time(3)", false)]
    [InlineData("datetimeoffset", 10, 34, 7, "datetimeoffset(7)", false)]
    [InlineData("int", 4, 10, 0, "int", false)]
    [InlineData("smallint", 2, 5, 0, "smallint", false)]
    [InlineData("datetime", 8, 23, 3, "datetime", false)]
    [InlineData("bit", 1, 1, 0, "bit", false)]
    [InlineData("uniqueidentifier", 16, 0, 0, "uniqueidentifier", false)]
    [InlineData("float", 8, 53, 0, "float", false)]
    public void A_catalog_type_is_written_as_T_SQL_writes_it(string name, int maxLength, int precision, int scale, string expected, bool isCharacter)
    {
        var type = ReplicationColumnType.FromCatalog(name, maxLength, precision, scale);

        Assert.NotNull(type);
        Assert.Equal(expected, type.Text);
        Assert.Equal(isCharacter, type.IsCharacter);
        // What FromCatalog writes, Parse reads back unchanged.
        Assert.Equal(expected, ReplicationColumnType.Parse(expected)?.Text);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("ntext")]
    [InlineData("image")]
    [InlineData("xml")]
    [InlineData("sql_variant")]
    [InlineData("timestamp")]
    [InlineData("hierarchyid")]
    [InlineData("geography")]
    [InlineData(null)]
    public void A_type_that_EXCEPT_cannot_compare_is_refused(string? name)
    {
        Assert.Null(ReplicationColumnType.FromCatalog(name, 16, 0, 0));
    }

    [Theory]
    [InlineData("nvarchar(17)); DROP TABLE Account;--")]
    [InlineData("nvarchar(0)")]
    [InlineData("nvarchar(4001)")]
    [InlineData("varchar(8001)")]
    [InlineData("nvarchar(-1)")]
    [InlineData("nvarchar(1,2)")]
    [InlineData("numeric(39,0)")]
    [InlineData("numeric(5,6)")]
    [InlineData("numeric(24)")]
    [InlineData("datetime2(8)")]
    [InlineData("int(4)")]
    [InlineData("xml")]
    [InlineData("nvarchar")]
    [InlineData("nvarchar(17")]
    [InlineData("")]
    [InlineData(null)]
    public void Only_well_formed_type_texts_reach_the_statement(string? text)
    {
        Assert.Null(ReplicationColumnType.Parse(text));
    }
}
