/*
MC_ReplicationWatermark: each declared REPLI_acc_<x>_repli field's own watermark, per integration
(docs/replication.md, "Watermarks"). dbo.MC_replicate reads each field's rows from its Token
(cbReplication >= Token), and moves the Token of the fields it wrote to the highest
cbReplication it read; a field refused or skipped keeps its Token, so that it catches up once it
is fixed. A field seen for the first time starts at the cycle's token. A simulation, or a
failed replication, moves nothing (the rows are written in the replication's transaction).
*/
CREATE TABLE dbo.MC_ReplicationWatermark
(
    ErpIntegrationID  int            NOT NULL,
    ParameterName     nvarchar(200)  NOT NULL,
    Token             int            NOT NULL,
    UpdatedAt         datetime2(3)   NOT NULL CONSTRAINT DF_MC_ReplicationWatermark_UpdatedAt DEFAULT (SYSDATETIME()),
    CONSTRAINT PK_MC_ReplicationWatermark PRIMARY KEY CLUSTERED (ErpIntegrationID, ParameterName)
);
