namespace CrmDb.Runner.Maintenance;

/// <summary>
/// The guide's plan ("Configurer un plan de maintenance"), the rows the post-deployment script
/// inserts when missing (database/Scripts/MaintenancePlan.Defaults.sql: a test keeps both equal);
/// what crmdb maintenance plan prints without a connection.
/// </summary>
public static class DefaultMaintenancePlan
{
    /// <summary>The default rows, by slot then run order.</summary>
    public static IReadOnlyList<MaintenancePlanRow> Rows { get; } =
    [
        new(MaintenanceTask.BackupLog, MaintenanceSlot.Hourly, true, 40),
        new(MaintenanceTask.IndexReorganize, MaintenanceSlot.Nightly, true, 20, 5, 30, 1000),
        new(MaintenanceTask.Statistics, MaintenanceSlot.Nightly, true, 30),
        new(MaintenanceTask.BackupDiff, MaintenanceSlot.Nightly, true, 40),
        new(MaintenanceTask.CheckDb, MaintenanceSlot.Weekly, true, 10),
        new(MaintenanceTask.IndexRebuild, MaintenanceSlot.Weekly, true, 20, 5, 30, 1000),
        new(MaintenanceTask.BackupFull, MaintenanceSlot.Weekly, true, 40),
        new(MaintenanceTask.Cleanup, MaintenanceSlot.Weekly, true, 60, RetentionDays: 30),
        // Present but disabled: the guide itself warns that shrinking fragments the indexes.
        new(MaintenanceTask.Shrink, MaintenanceSlot.Monthly, false, 50),
    ];
}
