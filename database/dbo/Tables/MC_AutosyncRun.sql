/*
MC_AutosyncRun: one row per end-of-cycle run of dbo.MC_runautosync (real or simulated by
dbo.MC_traceautosync), in the manner of Ola Hallengren's CommandLog. Its steps (replication, hooks,
statements passed through dbo.MC_execsql) are in dbo.MC_AutosyncStep.
Status: Running while it runs (a row left Running belongs to a run that was interrupted),
Succeeded, or Failed when a step failed or a hook was not run (non-conforming).
Purge: dbo.MC_purgeautosync @DaysToKeep = N.
*/
CREATE TABLE dbo.MC_AutosyncRun
(
    RunID             int            IDENTITY(1, 1) NOT NULL,
    ErpIntegrationID  int            NOT NULL,
    ErpSyncStatus     nvarchar(10)   NOT NULL,
    TokenAccount      int            NOT NULL,
    NewToken          int            NULL,
    IsSimulation      bit            NOT NULL,
    Command           nvarchar(max)  NULL,
    StartTime         datetime2(3)   NOT NULL CONSTRAINT DF_MC_AutosyncRun_StartTime DEFAULT (SYSDATETIME()),
    EndTime           datetime2(3)   NULL,
    DurationMs        AS (DATEDIFF(MILLISECOND, StartTime, EndTime)),
    Status            nvarchar(20)   NOT NULL CONSTRAINT DF_MC_AutosyncRun_Status DEFAULT (N'Running'),
    StepCount         int            NULL,
    FailedCount       int            NULL,
    SkippedCount      int            NULL,
    LoginName         nvarchar(128)  NOT NULL CONSTRAINT DF_MC_AutosyncRun_LoginName DEFAULT (ORIGINAL_LOGIN()),
    HostName          nvarchar(128)  NULL CONSTRAINT DF_MC_AutosyncRun_HostName DEFAULT (HOST_NAME()),
    CONSTRAINT PK_MC_AutosyncRun PRIMARY KEY CLUSTERED (RunID),
    CONSTRAINT CK_MC_AutosyncRun_Status CHECK (Status IN (N'Running', N'Succeeded', N'Failed')),
    CONSTRAINT CK_MC_AutosyncRun_ErpSyncStatus CHECK (ErpSyncStatus IN (N'success', N'fail', N'warning'))
);
GO

-- The purge and "the last runs of an integration" read by date.
CREATE NONCLUSTERED INDEX IX_MC_AutosyncRun_StartTime ON dbo.MC_AutosyncRun (StartTime);
GO

CREATE NONCLUSTERED INDEX IX_MC_AutosyncRun_ErpIntegrationID ON dbo.MC_AutosyncRun (ErpIntegrationID, RunID) INCLUDE (Status);
