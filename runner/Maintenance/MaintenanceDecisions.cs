namespace CrmDb.Runner.Maintenance;

/// <summary>
/// The plan's decision table, pure: (slot row, weekday, recovery model, edition, differential
/// base, state) to what runs and why. dbo.MC_maintenance takes the same decisions in T-SQL (it
/// must run where the CLR is not enabled, from SQL Agent or a scheduled task); this mirror is
/// what crmdb maintenance plan explains and what the tests pin down, and an engine test checks
/// that both agree on a real server (docs/maintenance.md).
/// </summary>
public static class MaintenanceDecisions
{
    /// <summary>
    /// The engine editions with online index operations: SERVERPROPERTY('EngineEdition') 3
    /// (Enterprise, Developer, Evaluation), 5 (Azure SQL Database), 8 (Azure SQL Managed
    /// Instance). Standard (2) and Express (4) rebuild offline ("Editions and supported features
    /// of SQL Server", learn.microsoft.com).
    /// </summary>
    public static IReadOnlyList<int> OnlineIndexEditions { get; } = [3, 5, 8];

    /// <summary>SERVERPROPERTY('EngineEdition') of Express, which has no SQL Server Agent.</summary>
    public const int ExpressEngineEdition = 4;

    /// <summary>The ISO weekday (1 Monday .. 7 Sunday), as dbo.MC_maintenance computes it whatever SET DATEFIRST says.</summary>
    public static int IsoWeekday(DayOfWeek day) => day == DayOfWeek.Sunday ? 7 : (int)day;

    /// <summary>True on the night of the weekly full: the weekday is @FullBackupWeekday and the weekly full row is enabled.</summary>
    public static bool FullTonight(int isoWeekday, int fullBackupWeekday, IEnumerable<MaintenancePlanRow> plan) =>
        isoWeekday == fullBackupWeekday
        && plan.Any(row => row.Task == MaintenanceTask.BackupFull && row.Slot == MaintenanceSlot.Weekly && row.IsEnabled);

    /// <summary>True when the edition rebuilds indexes online.</summary>
    public static bool HasOnlineRebuild(int engineEdition) => OnlineIndexEditions.Contains(engineEdition);

    /// <summary>
    /// The decision for one row of the slot and one database, in the order dbo.MC_maintenance
    /// checks: disabled row, database state, read-only, time limit, then the backup rules.
    /// </summary>
    public static MaintenanceDecision Decide(MaintenancePlanRow row, DatabaseFacts database, bool fullTonight, bool timeLimitReached = false)
    {
        MaintenanceDecision Skip(DecisionReason reason) => new(row.Task, database.Name, DecisionKind.Skip, reason);

        if (!row.IsEnabled)
        {
            return Skip(row.Task == MaintenanceTask.Shrink ? DecisionReason.ShrinkDisabled : DecisionReason.Disabled);
        }

        if (!string.Equals(database.State, "ONLINE", StringComparison.OrdinalIgnoreCase))
        {
            return Skip(DecisionReason.DatabaseNotOnline);
        }

        if (database.IsReadOnly && row.Task is MaintenanceTask.Shrink or MaintenanceTask.IndexReorganize or MaintenanceTask.IndexRebuild or MaintenanceTask.Statistics)
        {
            return Skip(DecisionReason.ReadOnly);
        }

        if (timeLimitReached)
        {
            return Skip(DecisionReason.TimeLimit);
        }

        bool simple = string.Equals(database.RecoveryModel, "SIMPLE", StringComparison.OrdinalIgnoreCase);
        return row.Task switch
        {
            MaintenanceTask.BackupLog when simple => Skip(DecisionReason.LogOnSimple),
            MaintenanceTask.BackupLog when !database.HasDifferentialBase => Skip(DecisionReason.LogWithoutFull),
            MaintenanceTask.BackupDiff when fullTonight => Skip(DecisionReason.DiffOnFullNight),
            MaintenanceTask.BackupDiff when !database.HasDifferentialBase =>
                new(row.Task, database.Name, DecisionKind.RunAsFull, DecisionReason.DiffWithoutBase),
            _ => new(row.Task, database.Name, DecisionKind.Run, DecisionReason.None),
        };
    }

    /// <summary>
    /// What an index task does with one index: nothing under <see cref="IndexThresholds.MinPageCount"/>
    /// pages or <see cref="IndexThresholds.FragmentationLow"/> %; the weekly INDEX_REBUILD rebuilds
    /// from <see cref="IndexThresholds.FragmentationHigh"/> % and reorganises below it; the nightly
    /// INDEX_REORGANIZE only reorganises. A reorganisation needs page locks.
    /// </summary>
    public static IndexAction ForIndex(string task, double fragmentationPercent, long pageCount, bool allowPageLocks, IndexThresholds thresholds)
    {
        if (pageCount < thresholds.MinPageCount || fragmentationPercent < thresholds.FragmentationLow)
        {
            return IndexAction.None;
        }

        if (task == MaintenanceTask.IndexRebuild && fragmentationPercent >= thresholds.FragmentationHigh)
        {
            return IndexAction.Rebuild;
        }

        return allowPageLocks ? IndexAction.Reorganize : IndexAction.SkipPageLocksOff;
    }

    /// <summary>How a rebuild runs: online on editions that have it, for row-store indexes (sys.indexes.type 1 or 2).</summary>
    public static RebuildMode ForRebuild(int engineEdition, int indexType)
    {
        if (!HasOnlineRebuild(engineEdition))
        {
            return RebuildMode.OfflineEdition;
        }

        return indexType is 1 or 2 ? RebuildMode.Online : RebuildMode.OfflineIndexType;
    }

    /// <summary>Statistics are updated only where rows changed (sys.dm_db_stats_properties.modification_counter &gt; 0).</summary>
    public static bool UpdatesStatistics(long? modificationCounter) => modificationCounter > 0;

    /// <summary>
    /// The backup files a cleanup may delete: those older than the retention, and never anything
    /// from the day before the oldest differential base (the newest full) of the instance's
    /// databases on, so that neither the newest full nor what a later differential or log needs goes.
    /// </summary>
    public static DateTime FileCutoff(DateTime runStart, int retentionDays, IEnumerable<DateTime?> differentialBaseTimes)
    {
        DateTime cutoff = runStart.AddDays(-retentionDays);
        DateTime? oldestBase = differentialBaseTimes.Where(time => time.HasValue).Select(time => time!.Value).DefaultIfEmpty().Min();
        if (oldestBase is { } baseTime && baseTime != default && baseTime.AddDays(-1) < cutoff)
        {
            return baseTime.AddDays(-1);
        }

        return cutoff;
    }
}
