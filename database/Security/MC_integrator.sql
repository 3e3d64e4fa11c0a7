-- Integrators (partners): execute the MC_ procedures they need to write and run hooks,
-- replication fields and curative procedures. Grants live beside each feature (Permissions.*.sql).
CREATE ROLE [MC_integrator] AUTHORIZATION [dbo];
