-- Global parameters (docs/sysparams.md). Integrators set parameters and write curative
-- procedures; support reads values and the audit, and changes nothing.
-- MC_setsysparams runs with its caller's rights, signed by a certificate for what they lack
-- (Scripts/Signing.sql, docs/security.md): no role gets rights on Custom_SysParams, and only the
-- procedure writes the audit table. The roles read the audit through a view that masks secrets.
-- A curative runs with the caller's rights: the caller needs EXECUTE on it (the curative
-- scaffold grants it to MC_integrator; here, the one CrmDb ships).
GRANT EXECUTE ON OBJECT::dbo.MC_setsysparams TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_getsysparam TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_modules TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_hasmodule TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_apply_param_MC_modules TO [MC_integrator];
GO
GRANT SELECT ON OBJECT::dbo.MC_SysParamAuditMasked TO [MC_integrator];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_getsysparam TO [MC_support];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_modules TO [MC_support];
GO
GRANT EXECUTE ON OBJECT::dbo.MC_hasmodule TO [MC_support];
GO
GRANT SELECT ON OBJECT::dbo.MC_SysParamAuditMasked TO [MC_support];
GO
