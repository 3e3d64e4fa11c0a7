/*
MC_AutosyncStep: one row per step of an AUTOSYNC run (dbo.MC_AutosyncRun): the replication
(StepType Replication), each hook (Hook) and each statement a hook passed through dbo.MC_execsql
(Statement, ParentStepID = its hook's step). A statement run outside any cycle has no RunID.
Status: Running, Succeeded, Failed, Skipped (hook not run: non-conforming, see ErrorMessage),
NotExecuted (MC_execsql @Execute = 'N'), Committed and RolledBack (a hook that committed, or
rolled back, the transaction the cycle gave it: see ErrorMessage), InTransaction (while a hook
runs: the marker dbo.MC_runautosyncstep reads to tell a hook's COMMIT from its ROLLBACK).
Command is the EXEC with its values (Replication, Hook) or the expanded statement (Statement,
its values in Parameters). The Error* columns are those of ERROR_NUMBER() and its siblings.
*/
CREATE TABLE dbo.MC_AutosyncStep
(
    StepID            int             IDENTITY(1, 1) NOT NULL,
    RunID             int             NULL,
    ParentStepID      int             NULL,
    StepType          nvarchar(20)    NOT NULL,
    ObjectName        nvarchar(300)   NULL,
    ErpIntegrationID  int             NULL,
    Command           nvarchar(max)   NULL,
    Parameters        nvarchar(max)   NULL,
    StartTime         datetime2(3)    NOT NULL CONSTRAINT DF_MC_AutosyncStep_StartTime DEFAULT (SYSDATETIME()),
    EndTime           datetime2(3)    NULL,
    DurationMs        AS (DATEDIFF(MILLISECOND, StartTime, EndTime)),
    Status            nvarchar(20)    NOT NULL,
    RowsAffected      int             NULL,
    ReturnCode        int             NULL,
    ErrorNumber       int             NULL,
    ErrorSeverity     int             NULL,
    ErrorState        int             NULL,
    ErrorProcedure    nvarchar(128)   NULL,
    ErrorLine         int             NULL,
    ErrorMessage      nvarchar(4000)  NULL,
    CONSTRAINT PK_MC_AutosyncStep PRIMARY KEY CLUSTERED (StepID),
    CONSTRAINT FK_MC_AutosyncStep_MC_AutosyncRun FOREIGN KEY (RunID) REFERENCES dbo.MC_AutosyncRun (RunID) ON DELETE CASCADE,
    CONSTRAINT CK_MC_AutosyncStep_StepType CHECK (StepType IN (N'Replication', N'Hook', N'Statement')),
    CONSTRAINT CK_MC_AutosyncStep_Status CHECK (Status IN (N'Running', N'InTransaction', N'Succeeded', N'Failed', N'Committed', N'RolledBack', N'Skipped', N'NotExecuted'))
);
GO

-- A run's steps in order (the summary, the trace, support); RunID IS NULL finds statements run outside a cycle (purge).
CREATE NONCLUSTERED INDEX IX_MC_AutosyncStep_RunID ON dbo.MC_AutosyncStep (RunID, StepID) INCLUDE (ParentStepID, Status, StartTime);
