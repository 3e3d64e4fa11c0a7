using CrmDb.Runner.Maintenance;

namespace CrmDb.Tests.Maintenance;

/// <summary>
/// The plan's decision table (issue 16, items 2, 3 and 6): slot row, weekday, recovery model,
/// edition, differential base and state to what runs and why. dbo.MC_maintenance takes the same
/// decisions; MaintenanceEngineTests compares both on a real server.
/// </summary>
public sealed class MaintenanceDecisionsTests
{
    public static TheoryData<string, string, bool, bool, string, bool, DecisionKind, DecisionReason> BackupTable() => new()
    {
        // task, recovery model, differential base, night of the full, state, read-only -> kind, reason
        { MaintenanceTask.BackupLog, "SIMPLE", true, false, "ONLINE", false, DecisionKind.Skip, DecisionReason.LogOnSimple },
        { MaintenanceTask.BackupLog, "SIMPLE", false, false, "ONLINE", false, DecisionKind.Skip, DecisionReason.LogOnSimple },
        { MaintenanceTask.BackupLog, "FULL", false, false, "ONLINE", false, DecisionKind.Skip, DecisionReason.LogWithoutFull },
        { MaintenanceTask.BackupLog, "FULL", true, false, "ONLINE", false, DecisionKind.Run, DecisionReason.None },
        { MaintenanceTask.BackupLog, "BULK_LOGGED", true, false, "ONLINE", false, DecisionKind.Run, DecisionReason.None },
        { MaintenanceTask.BackupDiff, "SIMPLE", true, false, "ONLINE", false, DecisionKind.Run, DecisionReason.None },
        { MaintenanceTask.BackupDiff, "SIMPLE", false, false, "ONLINE", false, DecisionKind.RunAsFull, DecisionReason.DiffWithoutBase },
        { MaintenanceTask.BackupDiff, "FULL", false, false, "ONLINE", false, DecisionKind.RunAsFull, DecisionReason.DiffWithoutBase },
        // The night of the full wins over the missing base: the weekly full comes tonight.
        { MaintenanceTask.BackupDiff, "SIMPLE", false, true, "ONLINE", false, DecisionKind.Skip, DecisionReason.DiffOnFullNight },
        { MaintenanceTask.BackupDiff, "SIMPLE", true, true, "ONLINE", false, DecisionKind.Skip, DecisionReason.DiffOnFullNight },
        { MaintenanceTask.BackupFull, "SIMPLE", false, true, "ONLINE", false, DecisionKind.Run, DecisionReason.None },
        // A read-only database is still backed up; an offline one is not touched at all.
        { MaintenanceTask.BackupFull, "SIMPLE", true, false, "ONLINE", true, DecisionKind.Run, DecisionReason.None },
        { MaintenanceTask.BackupFull, "SIMPLE", true, false, "OFFLINE", false, DecisionKind.Skip, DecisionReason.DatabaseNotOnline },
        { MaintenanceTask.CheckDb, "SIMPLE", true, false, "RESTORING", false, DecisionKind.Skip, DecisionReason.DatabaseNotOnline },
        { MaintenanceTask.IndexRebuild, "SIMPLE", true, false, "ONLINE", true, DecisionKind.Skip, DecisionReason.ReadOnly },
        { MaintenanceTask.Statistics, "SIMPLE", true, false, "ONLINE", true, DecisionKind.Skip, DecisionReason.ReadOnly },
        { MaintenanceTask.CheckDb, "SIMPLE", true, false, "ONLINE", true, DecisionKind.Run, DecisionReason.None },
    };

    [Theory]
    [MemberData(nameof(BackupTable))]
    public void Each_row_of_the_decision_table_decides_as_written(
        string task, string recovery, bool hasBase, bool fullTonight, string state, bool readOnly, DecisionKind kind, DecisionReason reason)
    {
        var row = DefaultMaintenancePlan.Rows.Single(r => r.Task == task);
        var facts = new DatabaseFacts("CRM", recovery, hasBase, state, readOnly);

        MaintenanceDecision decision = MaintenanceDecisions.Decide(row, facts, fullTonight);

        Assert.Equal((kind, reason), (decision.Kind, decision.Reason));
        Assert.Equal(("CRM", task), (decision.Database, decision.Task));
    }

    [Fact]
    public void The_default_shrink_row_is_skipped_with_the_guides_warning_and_runs_only_once_enabled()
    {
        var shrink = DefaultMaintenancePlan.Rows.Single(r => r.Task == MaintenanceTask.Shrink);
        var facts = new DatabaseFacts("CRM", "SIMPLE", true);

        Assert.False(shrink.IsEnabled);
        Assert.Equal(DecisionReason.ShrinkDisabled, MaintenanceDecisions.Decide(shrink, facts, false).Reason);
        Assert.Equal(DecisionKind.Run, MaintenanceDecisions.Decide(shrink with { IsEnabled = true }, facts, false).Kind);
    }

    [Fact]
    public void A_disabled_row_and_the_time_limit_are_said_before_anything_else()
    {
        var log = new MaintenancePlanRow(MaintenanceTask.BackupLog, MaintenanceSlot.Hourly, IsEnabled: false, 40);
        var facts = new DatabaseFacts("CRM", "SIMPLE", false);

        Assert.Equal(DecisionReason.Disabled, MaintenanceDecisions.Decide(log, facts, false).Reason);
        Assert.Equal(DecisionReason.TimeLimit, MaintenanceDecisions.Decide(log with { IsEnabled = true }, facts, false, timeLimitReached: true).Reason);
    }

    [Theory]
    [InlineData(DayOfWeek.Monday, 1)]
    [InlineData(DayOfWeek.Saturday, 6)]
    [InlineData(DayOfWeek.Sunday, 7)]
    public void Weekdays_are_numbered_as_ISO_from_Monday(DayOfWeek day, int iso) =>
        Assert.Equal(iso, MaintenanceDecisions.IsoWeekday(day));

    [Theory]
    [InlineData(7, 7, true, true)]
    [InlineData(6, 7, true, false)]
    [InlineData(3, 3, true, true)]
    [InlineData(7, 7, false, false)]
    public void The_night_of_the_full_is_the_weekly_day_when_the_weekly_full_is_enabled(int weekday, int fullWeekday, bool fullEnabled, bool expected)
    {
        var plan = DefaultMaintenancePlan.Rows.Select(r => r.Task == MaintenanceTask.BackupFull ? r with { IsEnabled = fullEnabled } : r);

        Assert.Equal(expected, MaintenanceDecisions.FullTonight(weekday, fullWeekday, plan));
    }

    [Theory]
    // task, fragmentation %, pages, page locks -> action (defaults 5 %, 30 %, 1,000 pages)
    [InlineData(MaintenanceTask.IndexReorganize, 4.9, 50_000, true, IndexAction.None)]
    [InlineData(MaintenanceTask.IndexReorganize, 80.0, 999, true, IndexAction.None)]
    [InlineData(MaintenanceTask.IndexReorganize, 5.0, 1_000, true, IndexAction.Reorganize)]
    [InlineData(MaintenanceTask.IndexReorganize, 80.0, 1_000, true, IndexAction.Reorganize)]
    [InlineData(MaintenanceTask.IndexReorganize, 12.0, 5_000, false, IndexAction.SkipPageLocksOff)]
    [InlineData(MaintenanceTask.IndexRebuild, 29.9, 5_000, true, IndexAction.Reorganize)]
    [InlineData(MaintenanceTask.IndexRebuild, 30.0, 5_000, true, IndexAction.Rebuild)]
    [InlineData(MaintenanceTask.IndexRebuild, 30.0, 5_000, false, IndexAction.Rebuild)]
    [InlineData(MaintenanceTask.IndexRebuild, 3.0, 5_000, true, IndexAction.None)]
    public void Index_work_follows_the_fragmentation_and_page_thresholds(string task, double fragmentation, long pages, bool pageLocks, IndexAction expected)
    {
        var thresholds = DefaultMaintenancePlan.Rows.Single(r => r.Task == task).Thresholds;

        Assert.Equal(new IndexThresholds(5, 30, 1000), thresholds);
        Assert.Equal(expected, MaintenanceDecisions.ForIndex(task, fragmentation, pages, pageLocks, thresholds));
    }

    [Theory]
    // EngineEdition (SERVERPROPERTY), sys.indexes.type -> rebuild mode
    [InlineData(2, 1, RebuildMode.OfflineEdition)]   // Standard
    [InlineData(4, 2, RebuildMode.OfflineEdition)]   // Express
    [InlineData(3, 1, RebuildMode.Online)]           // Enterprise, Developer, Evaluation
    [InlineData(3, 2, RebuildMode.Online)]
    [InlineData(3, 3, RebuildMode.OfflineIndexType)] // XML index
    [InlineData(5, 2, RebuildMode.Online)]           // Azure SQL Database
    [InlineData(8, 1, RebuildMode.Online)]           // Azure SQL Managed Instance
    public void Rebuilds_are_online_only_on_editions_that_have_them(int engineEdition, int indexType, RebuildMode expected) =>
        Assert.Equal(expected, MaintenanceDecisions.ForRebuild(engineEdition, indexType));

    [Theory]
    [InlineData(null, false)]
    [InlineData(0L, false)]
    [InlineData(1L, true)]
    public void Statistics_are_updated_only_where_rows_changed(long? modifications, bool expected) =>
        Assert.Equal(expected, MaintenanceDecisions.UpdatesStatistics(modifications));

    [Fact]
    public void The_file_cleanup_never_reaches_the_newest_full_nor_what_follows_it()
    {
        var runStart = new DateTime(2026, 12, 6, 3, 0, 0);
        var recentFull = new DateTime(2026, 11, 29, 3, 10, 0);
        var oldFull = new DateTime(2026, 10, 1, 3, 10, 0);

        // Retention wins when every newest full is recent.
        Assert.Equal(runStart.AddDays(-30), MaintenanceDecisions.FileCutoff(runStart, 30, [recentFull, null]));
        // A database whose newest full is older than the retention keeps it: the cutoff moves back before it.
        Assert.Equal(oldFull.AddDays(-1), MaintenanceDecisions.FileCutoff(runStart, 30, [recentFull, oldFull]));
        Assert.True(MaintenanceDecisions.FileCutoff(runStart, 1, [recentFull]) < recentFull);
    }
}
