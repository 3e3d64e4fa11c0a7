/*
Post-deployment script of CrmDb.dacpac. It runs after every publish, so everything in it is
idempotent. The SQLCLR part is generated at build time from CrmDb.Clr.dll
(build/CrmDb.Clr.targets): DacFx on .NET cannot hold the assembly in the model.
*/
:r ./Generated/ClrAssembly.generated.sql
GO
:r ./Permissions.SysParams.Clr.sql
GO
:r ./MaintenancePlan.Defaults.sql
GO
:r ./Signing.sql
GO
