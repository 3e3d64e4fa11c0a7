-- crmdb run (automated SQL processing): integrators run it and so read and write its journal;
-- support reads the journal to see what ran, when, and how it ended. Nothing else is granted:
-- the scripts themselves run with the rights of the login that runs crmdb. (--integration also
-- reads dbo.MC_Integration: MC_integrator's SELECT on it is granted in Permissions.Autosync.sql.)
GRANT SELECT, INSERT, UPDATE ON OBJECT::dbo.MC_ScriptJournal TO [MC_integrator];
GO
GRANT SELECT ON OBJECT::dbo.MC_ScriptJournal TO [MC_support];
GO
