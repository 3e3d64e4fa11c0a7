-- Global parameters (docs/sysparams.md). Integrators set parameters and write curative
-- procedures; support reads values and the audit, and changes nothing.
-- MC_setsysparams runs WITH EXECUTE AS OWNER: EXECUTE on it is all a caller needs; no role
-- gets rights on Custom_SysParams, and only the procedure writes the audit table.
GRANT EXECUTE ON OBJECT::dbo.MC_setsysparams TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_getsysparam TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_modules TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_hasmodule TO [MC_integrator];
GO
GRANT SELECT ON OBJECT::dbo.MC_SysParamAudit TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_getsysparam TO [MC_support];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_modules TO [MC_support];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_hasmodule TO [MC_support];
GO
GRANT SELECT ON OBJECT::dbo.MC_SysParamAudit TO [MC_support];
GO
