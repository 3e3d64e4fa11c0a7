/*
MC_SysParamAuditMasked: dbo.MC_SysParamAudit as the roles read it. The old and new values of a
secret parameter (dbo.MC_issecretname) show as ******** to everyone but db_owner; so does an
error message of such a call, which may repeat the value. MC_integrator and MC_support are
granted SELECT on this view, not on the table (docs/security.md, "Secret parameters"): the view
reaches the table through the ownership chain (both owned by dbo).
IS_MEMBER is evaluated for the reader, per query ("IS_MEMBER (Transact-SQL)",
learn.microsoft.com/sql/t-sql/functions/is-member-transact-sql).
*/
CREATE VIEW dbo.MC_SysParamAuditMasked
AS
SELECT A.SysParamAuditID,
       A.ChangedAt,
       A.LoginName,
       A.ApplicationName,
       A.ParamName,
       A.Action,
       CASE WHEN S.IsSecret = 1 AND A.OldValue IS NOT NULL THEN N'********' ELSE A.OldValue END AS OldValue,
       CASE WHEN S.IsSecret = 1 AND A.NewValue IS NOT NULL THEN N'********' ELSE A.NewValue END AS NewValue,
       A.CurativeProcedure,
       A.Outcome,
       CASE WHEN S.IsSecret = 1 AND A.ErrorMessage IS NOT NULL THEN N'******** (message masqué : paramètre secret)' ELSE A.ErrorMessage END AS ErrorMessage
FROM dbo.MC_SysParamAudit AS A
CROSS APPLY (SELECT CASE WHEN ISNULL(IS_MEMBER(N'db_owner'), 0) = 0 AND dbo.MC_issecretname(A.ParamName) = 1 THEN 1 ELSE 0 END AS IsSecret) AS S;
