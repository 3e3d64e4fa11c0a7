namespace CrmDb.Runner.Maintenance;

/// <summary>How often a slot recurs.</summary>
public enum Recurrence
{
    /// <summary>Every hour of every day.</summary>
    Hourly,

    /// <summary>Every day.</summary>
    Daily,

    /// <summary>One day a week (<see cref="SlotSchedule.IsoWeekday"/>).</summary>
    Weekly,

    /// <summary>One day a month (<see cref="SlotSchedule.DayOfMonth"/>).</summary>
    Monthly,
}

/// <summary>When one slot runs.</summary>
/// <param name="Slot">The slot.</param>
/// <param name="Recurrence">How often.</param>
/// <param name="Start">Time of day of the (first) run.</param>
/// <param name="IsoWeekday">Weekly: 1 Monday .. 7 Sunday.</param>
/// <param name="DayOfMonth">Monthly: the day.</param>
public sealed record SlotSchedule(string Slot, Recurrence Recurrence, TimeOnly Start, int IsoWeekday = 0, int DayOfMonth = 0);

/// <summary>
/// The default timetable of the slots, the same for SQL Agent and the Task Scheduler. The
/// weekly slot runs on <see cref="FullBackupWeekday"/>, the value dbo.MC_maintenance's
/// @FullBackupWeekday defaults to, so that the nightly differential is skipped that night.
/// </summary>
public static class MaintenanceSchedule
{
    /// <summary>Sunday (ISO 7): the weekly slot's day and @FullBackupWeekday's default.</summary>
    public const int FullBackupWeekday = 7;

    /// <summary>The four slots' schedules.</summary>
    public static IReadOnlyList<SlotSchedule> Default { get; } =
    [
        new(MaintenanceSlot.Hourly, Recurrence.Hourly, new TimeOnly(0, 15)),
        new(MaintenanceSlot.Nightly, Recurrence.Daily, new TimeOnly(1, 0)),
        new(MaintenanceSlot.Weekly, Recurrence.Weekly, new TimeOnly(3, 0), IsoWeekday: FullBackupWeekday),
        new(MaintenanceSlot.Monthly, Recurrence.Monthly, new TimeOnly(5, 0), DayOfMonth: 1),
    ];

    /// <summary>The schedule of <paramref name="slot"/>.</summary>
    public static SlotSchedule Of(string slot) => Default.Single(schedule => schedule.Slot == slot);
}
