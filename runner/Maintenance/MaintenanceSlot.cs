namespace CrmDb.Runner.Maintenance;

/// <summary>The four slots of the guide's plan, as dbo.MC_MaintenancePlan.Slot spells them.</summary>
public static class MaintenanceSlot
{
    /// <summary>Every hour: the transaction-log backup.</summary>
    public const string Hourly = "hourly";

    /// <summary>Every night: differential backup, index reorganisation, statistics.</summary>
    public const string Nightly = "nightly";

    /// <summary>Once a week: consistency check, index rebuild, full backup, cleanup.</summary>
    public const string Weekly = "weekly";

    /// <summary>Once a month: shrink (disabled by default).</summary>
    public const string Monthly = "monthly";

    /// <summary>The slots in the order a day unfolds them.</summary>
    public static IReadOnlyList<string> All { get; } = [Hourly, Nightly, Weekly, Monthly];

    /// <summary>True when <paramref name="slot"/> is one of <see cref="All"/> (exact spelling, as the table's CHECK).</summary>
    public static bool IsValid(string? slot) => slot is not null && All.Contains(slot, StringComparer.Ordinal);
}
