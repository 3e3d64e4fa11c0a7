-- AUTOSYNC (docs/autosync.md). Least privilege: the procedures reach the journal and
-- dbo.MC_Integration through ownership chaining, so roles get EXECUTE, and SELECT on the journal
-- only where people read it. Hooks are called through sp_executesql, which does not chain
-- ownership: each hook needs its own GRANT EXECUTE (crmdb autosync new writes it).
-- dbo.MC_purgeautosync and crmdb integration add|set|remove are for the DBA (db_owner).

-- Integrators: write, list, run and trace hooks; read the journal.
GRANT EXECUTE ON OBJECT::dbo.MC_execsql TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_listautosync TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_runautosync TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_traceautosync TO [MC_integrator];
GO
GRANT SELECT ON OBJECT::dbo.MC_Integration TO [MC_integrator];
GO
GRANT SELECT ON OBJECT::dbo.MC_AutosyncRun TO [MC_integrator];
GO
GRANT SELECT ON OBJECT::dbo.MC_AutosyncStep TO [MC_integrator];
GO

-- Support: trace (a simulation, rolled back) and read-only diagnostics.
GRANT EXECUTE ON OBJECT::dbo.MC_traceautosync TO [MC_support];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_listautosync TO [MC_support];
GO
GRANT SELECT ON OBJECT::dbo.MC_AutosyncRun TO [MC_support];
GO
GRANT SELECT ON OBJECT::dbo.MC_AutosyncStep TO [MC_support];
GO
