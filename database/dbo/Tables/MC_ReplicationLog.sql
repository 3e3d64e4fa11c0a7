/*
MC_ReplicationLog: one row per run of dbo.MC_replicate (the REPLI_acc_*_repli replication of one
integration): the watermark it started from and the one it reached, the fields applied and
skipped, the CRM accounts written, and the outcome. Support reads it; nothing else depends on it.
A run inside a rolled-back simulation (MC_traceautosync) leaves no row, like its other changes,
and so does a failed run inside a cycle (its step's transaction is rolled back, this row with it:
the cycle's dbo.MC_AutosyncStep row holds the error). A 'fail' row comes from a call by hand.
Status: success, warning (some declared fields were skipped), fail (Message holds the error).
No foreign key to MC_Integration: history outlives an integration that is removed.
*/
CREATE TABLE dbo.MC_ReplicationLog
(
    ReplicationLogID  bigint         IDENTITY(1, 1) NOT NULL,
    ErpIntegrationID  int            NOT NULL,
    RunAt             datetime2(3)   NOT NULL CONSTRAINT DF_MC_ReplicationLog_RunAt DEFAULT (SYSDATETIME()),
    TokenFrom         int            NULL,
    NewToken          int            NULL,
    FieldsApplied     int            NOT NULL,
    FieldsSkipped     int            NOT NULL,
    RowsChanged       int            NOT NULL,
    Status            nvarchar(10)   NOT NULL,
    Message           nvarchar(2048) NULL,
    CONSTRAINT PK_MC_ReplicationLog PRIMARY KEY CLUSTERED (ReplicationLogID),
    CONSTRAINT CK_MC_ReplicationLog_Status CHECK (Status IN (N'success', N'warning', N'fail')),
    INDEX IX_MC_ReplicationLog_ErpIntegrationID NONCLUSTERED (ErpIntegrationID, RunAt)
);
