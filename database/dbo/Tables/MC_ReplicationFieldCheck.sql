/*
MC_ReplicationFieldCheck: the last compilation check of each declared REPLI_acc_<x>_repli field,
per integration (docs/replication.md, "Validation fingerprint"). Fingerprint is the SHA-256 that
dbo.MC_replifingerprints computes from everything that decides whether the field's value compiles:
the declaration (parameter, column, the column's type, the value), the integration's GesCom
location, the engine facts, the columns of the GesCom tables the value reads and the signature
of the functions it calls. CheckError is the compilation error of that check, NULL when the value
compiled. dbo.MC_replicate compiles a field (sys.dm_exec_describe_first_result_set, through
dbo.MC_replidescribe) only when its fingerprint differs from the one kept here, and again, alone,
for each field when the statement of all the fields fails at run time.

Per field rather than per integration: a change that concerns one field (its declaration, a table
only its subquery reads) makes that field alone compiled again, and a field isolated after a failure
keeps its own row. Rows are written in the replication's transaction, so a simulation (rolled back)
keeps none. Our table: no Sage object is ever altered.
*/
CREATE TABLE dbo.MC_ReplicationFieldCheck
(
    ErpIntegrationID  int             NOT NULL,
    ParameterName     nvarchar(200)   NOT NULL,
    Fingerprint       varbinary(32)   NOT NULL,
    CheckError        nvarchar(2048)  NULL,
    CheckedAt         datetime2(3)    NOT NULL CONSTRAINT DF_MC_ReplicationFieldCheck_CheckedAt DEFAULT (SYSDATETIME()),
    CONSTRAINT PK_MC_ReplicationFieldCheck PRIMARY KEY CLUSTERED (ErpIntegrationID, ParameterName)
);
