using CrmDb.Clr.Autosync;

namespace CrmDb.Tests.Autosync;

/// <summary>AUTOSYNC_&lt;order&gt;_&lt;label&gt; (docs/design.md decision 2).</summary>
public sealed class HookNameTests
{
    [Theory]
    [InlineData("AUTOSYNC_0301_specif_repli", "0301", "specif_repli")]
    [InlineData("AUTOSYNC_1_a", "1", "a")]
    [InlineData("autosync_0100_Minuscules", "0100", "Minuscules")]
    [InlineData("AUTOSYNC_0200_spécif_été", "0200", "spécif_été")]
    [InlineData("AUTOSYNC_0300_2024", "0300", "2024")]
    [InlineData("AUTOSYNC_0400__", "0400", "_")]
    public void A_name_on_the_pattern_gives_its_order_and_label(string name, string order, string label)
    {
        bool parsed = HookName.TryParse(name, out var hook, out string reason);

        Assert.True(parsed, reason);
        Assert.Equal(order, hook!.Order);
        Assert.Equal(label, hook.Label);
        Assert.Equal(name, hook.Name);
    }

    [Theory]
    [InlineData("AUTOSYNC0301_x", "ne commence pas par AUTOSYNC_")]
    [InlineData("AUTOSYNC_", "pas de _ entre")]
    [InlineData("AUTOSYNC_0301", "pas de _ entre")]
    [InlineData("AUTOSYNC__label", "l'ordre est vide")]
    [InlineData("AUTOSYNC_03a1_x", "l'ordre « 03a1 » n'est pas fait que de chiffres")]
    [InlineData("AUTOSYNC_٣_x", "n'est pas fait que de chiffres")]
    [InlineData("AUTOSYNC_0301_", "le libellé est vide")]
    [InlineData("AUTOSYNC_0301_a-b", "le libellé « a-b » contient autre chose")]
    [InlineData("AUTOSYNC_0301_a b", "contient autre chose")]
    [InlineData("SYNC_0301_x", "ne commence pas par AUTOSYNC_")]
    public void A_name_off_the_pattern_is_refused_with_the_reason_and_the_expected_form(string name, string because)
    {
        bool parsed = HookName.TryParse(name, out var hook, out string reason);

        Assert.False(parsed);
        Assert.Null(hook);
        Assert.Contains(because, reason, StringComparison.Ordinal);
        Assert.Contains("Attendu : AUTOSYNC_<ordre>_<libellé>", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Hooks_run_by_numeric_order_then_label()
    {
        string[] names = ["AUTOSYNC_1000_a", "AUTOSYNC_0301_b", "AUTOSYNC_20_z", "AUTOSYNC_0301_A", "AUTOSYNC_301_a0", "AUTOSYNC_99999999999999999999999_x", "AUTOSYNC_0020_y"];
        var hooks = names.Select(n => { HookName.TryParse(n, out var h, out _); return h!; }).ToList();

        hooks.Sort(HookName.Compare);

        Assert.Equal(
            ["AUTOSYNC_0020_y", "AUTOSYNC_20_z", "AUTOSYNC_0301_A", "AUTOSYNC_301_a0", "AUTOSYNC_0301_b", "AUTOSYNC_1000_a", "AUTOSYNC_99999999999999999999999_x"],
            hooks.Select(h => h.Name));
    }

    [Theory]
    [InlineData("0301", "301", 0)]
    [InlineData("9", "10", -1)]
    [InlineData("0010", "9", 1)]
    [InlineData("000", "0", 0)]
    public void Orders_compare_by_value_whatever_their_leading_zeros(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(HookName.CompareOrders(a, b)));
    }
}
