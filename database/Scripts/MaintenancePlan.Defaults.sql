/*
The guide's maintenance plan as the default rows of dbo.MC_MaintenancePlan. Runs after every
publish: it inserts a default row only when the plan holds no row of that task in any slot, so a
DBA's edit (disabled row, other slot, other thresholds) is never overwritten. A deleted row comes
back at the next publish: disable a task (IsEnabled = 0) rather than delete it.
The same rows are crmdb's offline default plan (runner/Maintenance/DefaultMaintenancePlan.cs); a
test keeps the two equal.
*/
INSERT dbo.MC_MaintenancePlan (Task, Slot, IsEnabled, RunOrder, FragmentationLow, FragmentationHigh, MinPageCount, RetentionDays)
SELECT d.Task, d.Slot, d.IsEnabled, d.RunOrder, d.FragmentationLow, d.FragmentationHigh, d.MinPageCount, d.RetentionDays
FROM (VALUES
    ('BACKUP_LOG',       'hourly',  1, 40, NULL, NULL, NULL, NULL),
    ('BACKUP_DIFF',      'nightly', 1, 40, NULL, NULL, NULL, NULL),
    ('INDEX_REORGANIZE', 'nightly', 1, 20, 5,    30,   1000, NULL),
    ('STATISTICS',       'nightly', 1, 30, NULL, NULL, NULL, NULL),
    ('CHECKDB',          'weekly',  1, 10, NULL, NULL, NULL, NULL),
    ('INDEX_REBUILD',    'weekly',  1, 20, 5,    30,   1000, NULL),
    ('BACKUP_FULL',      'weekly',  1, 40, NULL, NULL, NULL, NULL),
    ('CLEANUP',          'weekly',  1, 60, NULL, NULL, NULL, 30),
    ('SHRINK',           'monthly', 0, 50, NULL, NULL, NULL, NULL)
) AS d (Task, Slot, IsEnabled, RunOrder, FragmentationLow, FragmentationHigh, MinPageCount, RetentionDays)
WHERE NOT EXISTS (SELECT 1 FROM dbo.MC_MaintenancePlan AS p WHERE p.Task = d.Task);
