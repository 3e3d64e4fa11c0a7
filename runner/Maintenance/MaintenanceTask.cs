namespace CrmDb.Runner.Maintenance;

/// <summary>The tasks of dbo.MC_MaintenancePlan (its CHECK constraint), as the journal spells them.</summary>
public static class MaintenanceTask
{
    /// <summary>DBCC CHECKDB.</summary>
    public const string CheckDb = "CHECKDB";

    /// <summary>DBCC SHRINKDATABASE (disabled by default: the guide warns that it fragments).</summary>
    public const string Shrink = "SHRINK";

    /// <summary>ALTER INDEX ... REORGANIZE of the indexes above the low threshold.</summary>
    public const string IndexReorganize = "INDEX_REORGANIZE";

    /// <summary>ALTER INDEX ... REBUILD above the high threshold, REORGANIZE between the two.</summary>
    public const string IndexRebuild = "INDEX_REBUILD";

    /// <summary>UPDATE STATISTICS where rows changed.</summary>
    public const string Statistics = "STATISTICS";

    /// <summary>Full backup through dbo.MC_backup.</summary>
    public const string BackupFull = "BACKUP_FULL";

    /// <summary>Differential backup through dbo.MC_backup.</summary>
    public const string BackupDiff = "BACKUP_DIFF";

    /// <summary>Transaction-log backup through dbo.MC_backup.</summary>
    public const string BackupLog = "BACKUP_LOG";

    /// <summary>msdb backup history, the maintenance log and old backup files.</summary>
    public const string Cleanup = "CLEANUP";

    /// <summary>Every task, in the order of the table's CHECK constraint.</summary>
    public static IReadOnlyList<string> All { get; } =
        [CheckDb, Shrink, IndexReorganize, IndexRebuild, Statistics, BackupFull, BackupDiff, BackupLog, Cleanup];
}
