-- Messages helper used by every traced procedure.
GRANT EXECUTE ON OBJECT::dbo.MC_print TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_print TO [MC_support];
GO
GRANT SELECT ON OBJECT::dbo.MC_Integration TO [MC_support];
GO
