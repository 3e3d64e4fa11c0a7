-- Messages helper: integrators call it from their hooks' and scripts' code (in SSMS, crmdb run).
-- The MC_ procedures reach it through the ownership chain; support runs none of its own code, so
-- it gets no grant here (database/Security/rights-manifest.json lists what each role needs).
GRANT EXECUTE ON OBJECT::dbo.MC_print TO [MC_integrator];
GO
-- Support reads the integrations beside the journal.
GRANT SELECT ON OBJECT::dbo.MC_Integration TO [MC_support];
GO
