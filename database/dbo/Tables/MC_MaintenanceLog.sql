/*
MC_MaintenanceLog: one row per maintenance or backup command that dbo.MC_maintenanceexecute ran,
printed without running (@Execute = 'N'), or decided not to run, in the manner of Ola Hallengren's
CommandLog. dbo.MC_maintenance, dbo.MC_backup and crmdb's backup and restore verbs write it; a
row left Running belongs to a command that was interrupted.

Columns
    Task       what the command is: CHECKDB, SHRINK, INDEX_REORGANIZE, INDEX_REBUILD, STATISTICS,
               BACKUP_FULL, BACKUP_DIFF, BACKUP_LOG, VERIFY, RESTORE, CLEANUP_HISTORY,
               CLEANUP_LOG, CLEANUP_FILES (free text up to 40 characters; these are the ones
               CrmDb writes).
    Slot       the plan slot that ran it (hourly, nightly, weekly, monthly), NULL outside a slot.
    PairLabel  the backup pair (yyyyMMdd_HHmmss, UTC) a backup, verify or restore belongs to.
    Command    the T-SQL text, as run or as it would have run; NULL for a decision without one.
    Outcome    Running, Succeeded, Failed, Skipped (a decision not to run, said in Message),
               NotExecuted (@Execute = 'N').
    Message    why a command was skipped, replaced (a differential taken as a full) or what it said.

Purge: the plan's CLEANUP_LOG task (dbo.MC_maintenance) deletes rows older than its retention.
*/
CREATE TABLE dbo.MC_MaintenanceLog
(
    LogID         bigint          IDENTITY(1, 1) NOT NULL,
    RunID         uniqueidentifier NULL,
    DatabaseName  sysname         NULL,
    Task          varchar(40)     NOT NULL,
    Slot          varchar(10)     NULL,
    PairLabel     char(15)        NULL,
    Command       nvarchar(max)   NULL,
    StartTime     datetime2(3)    NOT NULL CONSTRAINT DF_MC_MaintenanceLog_StartTime DEFAULT (SYSDATETIME()),
    EndTime       datetime2(3)    NULL,
    DurationMs    AS (DATEDIFF(MILLISECOND, StartTime, EndTime)),
    Outcome       varchar(12)     NOT NULL CONSTRAINT DF_MC_MaintenanceLog_Outcome DEFAULT ('Running'),
    ErrorNumber   int             NULL,
    ErrorMessage  nvarchar(4000)  NULL,
    Message       nvarchar(4000)  NULL,
    LoginName     nvarchar(128)   NOT NULL CONSTRAINT DF_MC_MaintenanceLog_LoginName DEFAULT (ORIGINAL_LOGIN()),
    CONSTRAINT PK_MC_MaintenanceLog PRIMARY KEY CLUSTERED (LogID),
    CONSTRAINT CK_MC_MaintenanceLog_Outcome CHECK (Outcome IN ('Running', 'Succeeded', 'Failed', 'Skipped', 'NotExecuted')),
    CONSTRAINT CK_MC_MaintenanceLog_Slot CHECK (Slot IS NULL OR Slot IN ('hourly', 'nightly', 'weekly', 'monthly'))
);
GO

-- The purge reads by date; "the last backups of a pair" by label.
CREATE NONCLUSTERED INDEX IX_MC_MaintenanceLog_StartTime ON dbo.MC_MaintenanceLog (StartTime);
GO

CREATE NONCLUSTERED INDEX IX_MC_MaintenanceLog_PairLabel ON dbo.MC_MaintenanceLog (PairLabel) WHERE PairLabel IS NOT NULL;
