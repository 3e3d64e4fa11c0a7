/*
MC_SecretName: markers that make a global parameter's value a secret, beyond the built-in list
(PASSWORD, PWD, SECRET, TOKEN, APIKEY, CREDENTIAL: CrmDb.Clr.SecretNames, which crmdb uses too).
A parameter whose name contains a marker, in any case, is masked (********) for everyone but
db_owner on every reading path: dbo.MC_getsysparam, dbo.MC_SysParamAuditMasked,
dbo.MC_setsysparams' messages (docs/security.md, "Secret parameters").

Only a DBA (db_owner) changes it: no role is granted anything on it (a role that could remove a
marker could unmask a secret).
*/
CREATE TABLE dbo.MC_SecretName
(
    Marker  nvarchar(100) NOT NULL,
    AddedAt datetime2(0)  NOT NULL CONSTRAINT DF_MC_SecretName_AddedAt DEFAULT (SYSDATETIME()),
    AddedBy nvarchar(128) NOT NULL CONSTRAINT DF_MC_SecretName_AddedBy DEFAULT (ORIGINAL_LOGIN()),
    CONSTRAINT PK_MC_SecretName PRIMARY KEY CLUSTERED (Marker),
    CONSTRAINT CK_MC_SecretName_Marker CHECK (LEN(Marker) > 0)
);
