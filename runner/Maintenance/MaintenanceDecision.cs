namespace CrmDb.Runner.Maintenance;

/// <summary>What the plan does with one row for one database.</summary>
public enum DecisionKind
{
    /// <summary>The task runs (for index and statistics tasks: each object is then decided on its own).</summary>
    Run,

    /// <summary>Nothing runs; the reason is journaled (Outcome Skipped).</summary>
    Skip,

    /// <summary>A differential without a valid base: said, then taken as a full.</summary>
    RunAsFull,
}

/// <summary>
/// Why a decision was taken. Each reason has its text in T-SQL (dbo.MC_maintenance, which
/// journals it) and in the runner's resources (crmdb maintenance plan).
/// </summary>
public enum DecisionReason
{
    /// <summary>The task runs as planned.</summary>
    None,

    /// <summary>IsEnabled = 0 in dbo.MC_MaintenancePlan.</summary>
    Disabled,

    /// <summary>The shrink row is disabled: the guide warns that shrinking fragments.</summary>
    ShrinkDisabled,

    /// <summary>The database is not ONLINE.</summary>
    DatabaseNotOnline,

    /// <summary>Read-only database: no index, statistics or shrink work.</summary>
    ReadOnly,

    /// <summary>@TimeLimit has passed: no new command starts.</summary>
    TimeLimit,

    /// <summary>SIMPLE recovery: a log backup is impossible.</summary>
    LogOnSimple,

    /// <summary>No full backup yet: the log chain starts with a full.</summary>
    LogWithoutFull,

    /// <summary>The night of the weekly full: no differential.</summary>
    DiffOnFullNight,

    /// <summary>No valid differential base: taken as a full.</summary>
    DiffWithoutBase,
}

/// <summary>The decision for one plan row and one database.</summary>
/// <param name="Task">The row's task.</param>
/// <param name="Database">The database.</param>
/// <param name="Kind">Run, skip, or run as a full.</param>
/// <param name="Reason">Why (None when it simply runs).</param>
public sealed record MaintenanceDecision(string Task, string Database, DecisionKind Kind, DecisionReason Reason);

/// <summary>What an index task does with one index.</summary>
public enum IndexAction
{
    /// <summary>Under the thresholds: left alone.</summary>
    None,

    /// <summary>ALTER INDEX ... REORGANIZE.</summary>
    Reorganize,

    /// <summary>ALTER INDEX ... REBUILD.</summary>
    Rebuild,

    /// <summary>Would be reorganised, but ALLOW_PAGE_LOCKS = OFF forbids it: journaled as Skipped.</summary>
    SkipPageLocksOff,
}

/// <summary>How an index is rebuilt.</summary>
public enum RebuildMode
{
    /// <summary>WITH (ONLINE = ON).</summary>
    Online,

    /// <summary>Offline: the edition has no online index operations (said).</summary>
    OfflineEdition,

    /// <summary>Offline: this kind of index (XML, spatial, columnstore) is rebuilt offline (said).</summary>
    OfflineIndexType,
}
