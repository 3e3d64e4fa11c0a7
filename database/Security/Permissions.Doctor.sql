-- The doctor (docs/doctor.md): read-only; what the caller may not read is reported, not hidden.
-- dbo.MC_doctorfindings is reached through ownership chaining from dbo.MC_doctor.
GRANT EXECUTE ON OBJECT::dbo.MC_doctor TO [MC_support];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_doctor TO [MC_integrator];
