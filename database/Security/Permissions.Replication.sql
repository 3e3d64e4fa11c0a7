-- Replication of the REPLI_acc_*_repli fields (docs/replication.md).
-- Integrators may run a replication by hand (after declaring or fixing a field) and read its
-- history; support reads the history. MC_runautosync calls MC_replicate directly (not through
-- sp_executesql), so the ownership chain covers it: whoever runs or traces a cycle needs no grant
-- here. The generated statement runs through sp_executesql, with the caller's rights: UPDATE on the dbo.Account acc_*_repli columns and
-- SELECT on the GesCom tables are the DBA's to grant (vendor objects, never touched by CrmDb).
GRANT EXECUTE ON OBJECT::dbo.MC_replicate TO [MC_integrator];
GO
GRANT SELECT ON OBJECT::dbo.MC_ReplicationLog TO [MC_integrator];
GO
GRANT SELECT ON OBJECT::dbo.MC_ReplicationLog TO [MC_support];
GO
