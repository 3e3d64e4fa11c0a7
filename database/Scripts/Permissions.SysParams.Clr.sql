/*
Grants on the CLR wrappers of the global-parameter area (docs/sysparams.md). They live in the
post-deployment script because the wrappers are created there (Generated/ClrAssembly.generated.sql):
a GRANT in the model would run before they exist on a new database. GRANT is idempotent.
*/
IF OBJECT_ID(N'dbo.MC_moduleedition') IS NOT NULL
BEGIN
    GRANT EXECUTE ON OBJECT::dbo.MC_moduleedition TO [MC_integrator];
    GRANT EXECUTE ON OBJECT::dbo.MC_moduleedition TO [MC_support];
END;
