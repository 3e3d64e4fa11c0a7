/*
MC_ReplicationFunction: the allow-list of the functions a REPLI value may call, besides the
documented deterministic built-ins (docs/security.md, "REPLI values"). One row per function,
named with its schema as a value calls it: dbo.FCT_condpaiement.

Only a DBA (db_owner) changes it: no role is granted anything on it. A REPLI value is code run
with the synchronisation login's rights, so the functions it may call are the DBA's choice, not
the integrator's. The post-deployment script seeds dbo.FCT_condpaiement when the table is empty.
dbo.MC_replicationfunctions() reads it for dbo.MC_setsysparams and dbo.MC_replicate.
*/
CREATE TABLE dbo.MC_ReplicationFunction
(
    FunctionName nvarchar(261) NOT NULL,
    AddedAt      datetime2(0)  NOT NULL CONSTRAINT DF_MC_ReplicationFunction_AddedAt DEFAULT (SYSDATETIME()),
    AddedBy      nvarchar(128) NOT NULL CONSTRAINT DF_MC_ReplicationFunction_AddedBy DEFAULT (ORIGINAL_LOGIN()),
    CONSTRAINT PK_MC_ReplicationFunction PRIMARY KEY CLUSTERED (FunctionName),
    -- schema.name: exactly one dot, no bracket (the check compares names without brackets).
    CONSTRAINT CK_MC_ReplicationFunction_Name CHECK (FunctionName LIKE N'_%._%' AND FunctionName NOT LIKE N'%.%.%' AND FunctionName NOT LIKE N'%[[]%' AND FunctionName NOT LIKE N'%]%')
);
