/*
MC_SysParamAudit: one row per call of dbo.MC_setsysparams that got past its parameter checks:
who (login, application), when, which parameter, the value before and the value asked for,
the curative procedure run (NULL: none) and the outcome.

Action   insert (the parameter did not exist), update (its value changed), unchanged (same
         value: the row was left alone, the curative still ran); NULL when the call failed
         before the live row was read (several live rows bear the name).
Outcome  success: the value and the curative's work were kept.
         failed: nothing was kept; ErrorMessage says why. Written after the rollback when the
         call had no caller's transaction; inside a caller's transaction it belongs to that
         transaction, so it is kept only if the caller commits (and cannot be written when the
         error doomed that transaction). See docs/sysparams.md.
Rows are written by dbo.MC_setsysparams only; the roles read them.
*/
CREATE TABLE dbo.MC_SysParamAudit
(
    SysParamAuditID   int            IDENTITY(1, 1) NOT NULL,
    ChangedAt         datetime2(3)   NOT NULL CONSTRAINT DF_MC_SysParamAudit_ChangedAt DEFAULT (SYSDATETIME()),
    LoginName         nvarchar(128)  NOT NULL CONSTRAINT DF_MC_SysParamAudit_LoginName DEFAULT (ORIGINAL_LOGIN()),
    ApplicationName   nvarchar(128)  NULL,
    ParamName         nvarchar(100)  NOT NULL,
    Action            nvarchar(10)   NULL,
    OldValue          nvarchar(max)  NULL,
    NewValue          nvarchar(max)  NULL,
    CurativeProcedure nvarchar(128)  NULL,
    Outcome           nvarchar(10)   NOT NULL,
    ErrorMessage      nvarchar(2048) NULL,
    CONSTRAINT PK_MC_SysParamAudit PRIMARY KEY CLUSTERED (SysParamAuditID),
    CONSTRAINT CK_MC_SysParamAudit_Action CHECK (Action IN (N'insert', N'update', N'unchanged')),
    CONSTRAINT CK_MC_SysParamAudit_Outcome CHECK (Outcome IN (N'success', N'failed'))
);
