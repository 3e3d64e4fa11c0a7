-- Support: trace procedures and read-only diagnostics, nothing that changes data for good.
-- Grants live beside each feature (Permissions.*.sql).
CREATE ROLE [MC_support] AUTHORIZATION [dbo];
