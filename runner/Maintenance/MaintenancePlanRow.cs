namespace CrmDb.Runner.Maintenance;

/// <summary>One row of dbo.MC_MaintenancePlan: a task in a slot, enabled or not, with its options.</summary>
/// <param name="Task">One of <see cref="MaintenanceTask.All"/>.</param>
/// <param name="Slot">One of <see cref="MaintenanceSlot.All"/>.</param>
/// <param name="IsEnabled">False: journaled as Skipped, nothing runs.</param>
/// <param name="RunOrder">Order of the tasks within a slot.</param>
/// <param name="FragmentationLow">% of fragmentation from which an index is reorganised (index tasks).</param>
/// <param name="FragmentationHigh">% from which it is rebuilt (index tasks).</param>
/// <param name="MinPageCount">Indexes smaller than this are left alone (index tasks).</param>
/// <param name="RetentionDays">Retention of history, journal and files (cleanup).</param>
/// <param name="BackupDirectory">The backup folder; null: the instance's default.</param>
/// <param name="AllowXpDeleteFile">Cleanup may delete files through xp_delete_file (undocumented, sysadmin).</param>
public sealed record MaintenancePlanRow(
    string Task,
    string Slot,
    bool IsEnabled,
    int RunOrder,
    int? FragmentationLow = null,
    int? FragmentationHigh = null,
    int? MinPageCount = null,
    int? RetentionDays = null,
    string? BackupDirectory = null,
    bool AllowXpDeleteFile = false)
{
    /// <summary>Ola Hallengren's defaults, which dbo.MC_maintenance applies to a NULL option.</summary>
    public const int DefaultFragmentationLow = 5;

    /// <summary>See <see cref="DefaultFragmentationLow"/>.</summary>
    public const int DefaultFragmentationHigh = 30;

    /// <summary>See <see cref="DefaultFragmentationLow"/>.</summary>
    public const int DefaultMinPageCount = 1000;

    /// <summary>The cleanup's default retention, in days.</summary>
    public const int DefaultRetentionDays = 30;

    /// <summary>The thresholds this row applies (its own, or the defaults).</summary>
    public IndexThresholds Thresholds => new(
        FragmentationLow ?? DefaultFragmentationLow,
        FragmentationHigh ?? DefaultFragmentationHigh,
        MinPageCount ?? DefaultMinPageCount);
}

/// <summary>When an index is worth work: fragmentation (%) and size (pages) thresholds.</summary>
public sealed record IndexThresholds(int FragmentationLow, int FragmentationHigh, int MinPageCount);
