using System.Data.SqlTypes;
using CrmDb.Clr;

namespace CrmDb.Tests.SysParams;

/// <summary>MC_modules decoding and parsing, shared by the database (CLR) and crmdb.</summary>
public sealed class ModulesTests
{
    [Theory]
    [InlineData(0, "Aucun module", "none")]
    [InlineData(1, "Force de vente", "sales")]
    [InlineData(2, "Service client", "service")]
    [InlineData(3, "Duo", "sales,service")]
    [InlineData(4, "Marketing", "marketing")]
    [InlineData(5, "Force de vente + Marketing", "sales,marketing")]
    [InlineData(6, "Service client + Marketing", "service,marketing")]
    [InlineData(7, "Duo + Marketing", "sales,service,marketing")]
    public void Every_value_has_an_edition_and_a_list(int flags, string edition, string list)
    {
        Assert.Equal(edition, Modules.EditionName(flags));
        Assert.Equal(list, Modules.ToList(flags));
        Assert.Equal(edition, SqlEntryPoints.ModuleEdition(new SqlInt32(flags)).Value);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Values_outside_0_to_7_have_no_edition(int flags)
    {
        Assert.False(Modules.IsValid(flags));
        Assert.Throws<ArgumentOutOfRangeException>(() => Modules.EditionName(flags));
        Assert.Throws<ArgumentOutOfRangeException>(() => Modules.ToList(flags));
        Assert.True(SqlEntryPoints.ModuleEdition(new SqlInt32(flags)).IsNull);
    }

    [Fact]
    public void A_NULL_value_has_no_edition()
    {
        Assert.True(SqlEntryPoints.ModuleEdition(SqlInt32.Null).IsNull);
    }

    [Theory]
    [InlineData("sales", 1)]
    [InlineData("service", 2)]
    [InlineData("marketing", 4)]
    [InlineData("sales,service", 3)]
    [InlineData("sales,service,marketing", 7)]
    [InlineData("marketing,sales", 5)]
    [InlineData(" Sales , SERVICE ", 3)]
    [InlineData("sales,sales", 1)]
    [InlineData("none", 0)]
    [InlineData(" NONE ", 0)]
    public void A_list_of_modules_parses_to_its_value(string list, int expected)
    {
        Assert.True(Modules.TryParseList(list, out int flags, out string? refused));
        Assert.Equal(expected, flags);
        Assert.Null(refused);
    }

    [Theory]
    [InlineData("sales,foo", "foo")]
    [InlineData("ventes", "ventes")]
    [InlineData("sales,,service", "")]
    [InlineData("sales;service", "sales;service")]
    [InlineData("none,sales", "none")]
    [InlineData("3", "3")]
    [InlineData("", "")]
    [InlineData("   ", "   ")]
    [InlineData(null, "")]
    [InlineData("\u0455ales", "\u0455ales")] // Cyrillic ѕ (U+0455)
    public void An_unknown_item_is_refused_and_named(string? list, string expectedRefused)
    {
        Assert.False(Modules.TryParseList(list, out int flags, out string? refused));
        Assert.Equal(0, flags);
        Assert.Equal(expectedRefused, refused);
    }

    [Fact]
    public void Every_value_survives_the_round_trip_through_its_list()
    {
        for (int flags = 0; flags <= Modules.All; flags++)
        {
            Assert.True(Modules.TryParseList(Modules.ToList(flags), out int parsed, out _));
            Assert.Equal(flags, parsed);
        }
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("3", 3)]
    [InlineData("7", 7)]
    [InlineData("07", 7)]
    [InlineData("0003", 3)]
    public void A_stored_value_of_ASCII_digits_0_to_7_is_accepted(string value, int expected)
    {
        Assert.True(Modules.TryParseValue(value, out int flags));
        Assert.Equal(expected, flags);
        Assert.Equal(expected, SqlEntryPoints.ModulesValue(new SqlString(value)).Value);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("9")]
    [InlineData("10")]
    [InlineData("-1")]
    [InlineData("+3")]
    [InlineData(" 3")]
    [InlineData("3 ")]
    [InlineData("3.0")]
    [InlineData("0x3")]
    [InlineData("trois")]
    [InlineData("sales")]
    [InlineData("")]
    [InlineData("\uFF13")] // full-width digit three
    [InlineData("\u0663")] // Arabic-Indic digit three
    [InlineData("99999999999999999999")]
    public void Anything_else_is_refused(string value)
    {
        Assert.False(Modules.TryParseValue(value, out _));
        Assert.True(SqlEntryPoints.ModulesValue(new SqlString(value)).IsNull);
    }

    [Fact]
    public void NULL_is_refused()
    {
        Assert.False(Modules.TryParseValue(null, out _));
        Assert.True(SqlEntryPoints.ModulesValue(SqlString.Null).IsNull);
    }

    [Fact]
    public void The_module_keys_are_the_three_bits_in_order()
    {
        Assert.Equal(["sales", "service", "marketing"], Modules.KeyNames());
        Assert.Equal(7, (int)(ModuleFlags.Sales | ModuleFlags.Service | ModuleFlags.Marketing));
    }
}
