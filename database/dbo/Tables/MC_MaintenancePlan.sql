/*
MC_MaintenancePlan: the maintenance plan of the guide ("Configurer un plan de maintenance") as
data. One row per task and slot; dbo.MC_maintenance @Slot = '<slot>' runs the enabled rows of
that slot in RunOrder, and journals every disabled row as a decision (Skipped) in
dbo.MC_MaintenanceLog. A DBA may edit the rows (enable, disable, move a task to another slot,
change its options, add a row); the post-deployment script only inserts the default rows that
are missing (Scripts/MaintenancePlan.Defaults.sql), it never overwrites an edit.

Columns
    Task                 CHECKDB, SHRINK, INDEX_REORGANIZE, INDEX_REBUILD, STATISTICS,
                         BACKUP_FULL, BACKUP_DIFF, BACKUP_LOG, CLEANUP.
    Slot                 hourly, nightly, weekly, monthly.
    IsEnabled            0: the row is journaled as Skipped ("disabled in the plan"), nothing runs.
    RunOrder             order of the tasks within a slot.
    FragmentationLow     INDEX_*: % of fragmentation from which an index is reorganised (default 5).
    FragmentationHigh    INDEX_*: % from which it is rebuilt (default 30).
    MinPageCount         INDEX_*: indexes smaller than this are left alone (default 1000 pages).
    RetentionDays        CLEANUP: msdb backup history, maintenance log and backup files older
                         than this are removed (default 30).
    BackupDirectory      BACKUP_*, CLEANUP: the backup folder; NULL: the instance's default.
    AllowXpDeleteFile    CLEANUP: 1 lets the procedure delete old backup files through
                         master.sys.xp_delete_file (undocumented, sysadmin only); 0 (default):
                         files are left to crmdb maintenance run, which deletes them itself.
    ModifiedBy, ModifiedAt  who last changed the row (the post-deployment does not).
*/
CREATE TABLE dbo.MC_MaintenancePlan
(
    PlanID             int            IDENTITY(1, 1) NOT NULL,
    Task               varchar(40)    NOT NULL,
    Slot               varchar(10)    NOT NULL,
    IsEnabled          bit            NOT NULL CONSTRAINT DF_MC_MaintenancePlan_IsEnabled DEFAULT (1),
    RunOrder           int            NOT NULL,
    FragmentationLow   tinyint        NULL,
    FragmentationHigh  tinyint        NULL,
    MinPageCount       int            NULL,
    RetentionDays      int            NULL,
    BackupDirectory    nvarchar(260)  NULL,
    AllowXpDeleteFile  bit            NOT NULL CONSTRAINT DF_MC_MaintenancePlan_AllowXpDeleteFile DEFAULT (0),
    ModifiedBy         nvarchar(128)  NOT NULL CONSTRAINT DF_MC_MaintenancePlan_ModifiedBy DEFAULT (ORIGINAL_LOGIN()),
    ModifiedAt         datetime2(3)   NOT NULL CONSTRAINT DF_MC_MaintenancePlan_ModifiedAt DEFAULT (SYSDATETIME()),
    CONSTRAINT PK_MC_MaintenancePlan PRIMARY KEY CLUSTERED (PlanID),
    CONSTRAINT UQ_MC_MaintenancePlan_Task_Slot UNIQUE (Task, Slot),
    CONSTRAINT CK_MC_MaintenancePlan_Task CHECK (Task IN ('CHECKDB', 'SHRINK', 'INDEX_REORGANIZE', 'INDEX_REBUILD', 'STATISTICS',
        'BACKUP_FULL', 'BACKUP_DIFF', 'BACKUP_LOG', 'CLEANUP')),
    CONSTRAINT CK_MC_MaintenancePlan_Slot CHECK (Slot IN ('hourly', 'nightly', 'weekly', 'monthly')),
    CONSTRAINT CK_MC_MaintenancePlan_Fragmentation CHECK (FragmentationLow BETWEEN 0 AND 100 AND FragmentationHigh BETWEEN 0 AND 100
        AND FragmentationLow <= FragmentationHigh),
    CONSTRAINT CK_MC_MaintenancePlan_MinPageCount CHECK (MinPageCount >= 0),
    CONSTRAINT CK_MC_MaintenancePlan_RetentionDays CHECK (RetentionDays >= 1)
);
