/*
Module signing (docs/security.md, "Module signing"). No MC_ procedure runs EXECUTE AS: each runs
with its caller's rights, plus, where the caller lacks a right the procedure needs, the rights of
a certificate's user, added by the module's signature. This is the technique of Erland
Sommarskog's "Packaging Permissions in Stored Procedures" (sommarskog.se/grantperm.html) and of
"Signing Stored Procedures in SQL Server"
(learn.microsoft.com/dotnet/framework/data/adonet/sql/signing-stored-procedures-in-sql-server):
- the certificate user's rights are combined with the caller's; the execution context does not
  change (ORIGINAL_LOGIN(), USER_NAME() stay the caller's);
- they apply in the signed module and in the dynamic SQL it runs (sp_executesql), in this
  database only; they are NOT carried into the modules that code calls, unless such a module
  is counter-signed by the same certificate (ADD COUNTER SIGNATURE), in which case they apply
  in it only when it is called from a module signed by that certificate;
- any ALTER of a module drops its signature ("ADD SIGNATURE (Transact-SQL)",
  learn.microsoft.com/sql/t-sql/statements/add-signature-transact-sql): a publish that alters
  a signed procedure leaves it unsigned, so this script signs again on every publish.

Each publish therefore drops the certificates of the last publish (their signatures, their
users), creates them anew with a random password that is never stored, grants their users
exactly the rights below, signs, and removes the private keys (ALTER CERTIFICATE ... REMOVE
PRIVATE KEY): nobody, db_owner included, can sign anything else with them afterwards.

MC_SysParamsSigning signs dbo.MC_setsysparams. Its user holds SELECT and UPDATE on
    dbo.Custom_SysParams (the audit-column UPDATE runs through sp_executesql, outside the
    ownership chain) and VIEW DEFINITION on schema dbo (to find the curative and its
    parameters). NOT EXECUTE: a curative runs with the caller's rights, so the caller needs
    EXECUTE on it.
MC_AutosyncSigning signs dbo.MC_runautosync and dbo.MC_listautosync, and counter-signs
    dbo.MC_runautosyncstep (which runs the hooks through sp_executesql, called by
    MC_runautosync). Its user holds EXECUTE and VIEW DEFINITION on schema dbo: a trace or a run
    finds and runs every hook without any role holding a grant on the hooks, and MC_support
    never needs to execute a hook directly. Inside a hook (not signed) the certificate's rights
    are gone: its statements run with the caller's rights.
    dbo.MC_traceautosync is deliberately NOT signed: it reaches dbo.MC_runautosync through the
    ownership chain, whose own signature runs the hooks; signed, its gate for a real cycle
    (HAS_PERMS_BY_NAME(N'dbo.MC_runautosync', N'OBJECT', N'EXECUTE'), which reads the whole
    token, certificate user included) would let MC_support run real cycles.
*/
SET NOCOUNT ON;

DECLARE @Signing TABLE (CertificateName sysname NOT NULL, ModuleName sysname NOT NULL, IsCounter bit NOT NULL);
INSERT @Signing (CertificateName, ModuleName, IsCounter)
VALUES (N'MC_SysParamsSigning', N'MC_setsysparams', 0),
       (N'MC_AutosyncSigning', N'MC_runautosync', 0),
       (N'MC_AutosyncSigning', N'MC_listautosync', 0),
       (N'MC_AutosyncSigning', N'MC_runautosyncstep', 1);

DECLARE @Grants TABLE (CertificateName sysname NOT NULL, GrantText nvarchar(400) NOT NULL);
INSERT @Grants (CertificateName, GrantText)
VALUES (N'MC_SysParamsSigning', N'GRANT SELECT, UPDATE ON OBJECT::dbo.Custom_SysParams TO [MC_SysParamsSigning];'),
       (N'MC_SysParamsSigning', N'GRANT VIEW DEFINITION ON SCHEMA::dbo TO [MC_SysParamsSigning];'),
       (N'MC_AutosyncSigning', N'GRANT EXECUTE, VIEW DEFINITION ON SCHEMA::dbo TO [MC_AutosyncSigning];');

DECLARE @Certificate sysname;
DECLARE @Password nvarchar(128);
DECLARE @Sql nvarchar(max);

DECLARE Certificates CURSOR LOCAL FAST_FORWARD FOR
    SELECT DISTINCT CertificateName FROM @Signing;
OPEN Certificates;
FETCH NEXT FROM Certificates INTO @Certificate;
WHILE @@FETCH_STATUS = 0
BEGIN
    -- 1. The last publish's certificate: its signatures, its user, itself.
    SET @Sql = NULL;
    SELECT @Sql = STRING_AGG(CONVERT(nvarchar(max),
               N'DROP ' + CASE WHEN cp.crypt_type = 'CPVC' THEN N'COUNTER ' ELSE N'' END + N'SIGNATURE FROM '
               + QUOTENAME(SCHEMA_NAME(o.schema_id)) + N'.' + QUOTENAME(o.name) + N' BY CERTIFICATE ' + QUOTENAME(c.name) + N';'), NCHAR(10))
    FROM sys.crypt_properties AS cp
    JOIN sys.certificates AS c ON c.thumbprint = cp.thumbprint
    JOIN sys.objects AS o ON o.object_id = cp.major_id
    WHERE cp.class = 1 AND c.name = @Certificate;
    IF @Sql IS NOT NULL
        EXEC sys.sp_executesql @Sql;

    IF DATABASE_PRINCIPAL_ID(@Certificate) IS NOT NULL
    BEGIN
        SET @Sql = N'DROP USER ' + QUOTENAME(@Certificate) + N';';
        EXEC sys.sp_executesql @Sql;
    END;

    IF CERT_ID(@Certificate) IS NOT NULL
    BEGIN
        SET @Sql = N'DROP CERTIFICATE ' + QUOTENAME(@Certificate) + N';';
        EXEC sys.sp_executesql @Sql;
    END;

    -- 2. A new one, its password random and forgotten at the end of this batch. DDL takes no
    --    parameters: the password (hexadecimal digits and dashes) is quoted by QUOTENAME.
    SET @Password = CONCAT(CONVERT(nvarchar(36), NEWID()), N'-', CONVERT(nvarchar(36), NEWID()), N'-Aa1');
    SET @Sql = N'CREATE CERTIFICATE ' + QUOTENAME(@Certificate)
        + N' ENCRYPTION BY PASSWORD = ' + QUOTENAME(@Password, N'''')
        + N' WITH SUBJECT = ''CrmDb module signing (' + @Certificate + N')'', EXPIRY_DATE = ''20991231'';'
        + NCHAR(10) + N'CREATE USER ' + QUOTENAME(@Certificate) + N' FROM CERTIFICATE ' + QUOTENAME(@Certificate) + N';';
    EXEC sys.sp_executesql @Sql;

    -- 3. Exactly the rights of the certificate's user (the header says why each one).
    SET @Sql = NULL;
    SELECT @Sql = STRING_AGG(CONVERT(nvarchar(max), G.GrantText), NCHAR(10))
    FROM @Grants AS G
    WHERE G.CertificateName = @Certificate
      AND (G.GrantText NOT LIKE N'%dbo.Custom_SysParams%' OR OBJECT_ID(N'dbo.Custom_SysParams') IS NOT NULL);
    IF @Sql IS NOT NULL
        EXEC sys.sp_executesql @Sql;

    -- 4. Sign, counter-sign, then remove the private key.
    SET @Sql = NULL;
    SELECT @Sql = STRING_AGG(CONVERT(nvarchar(max),
               N'ADD ' + CASE WHEN S.IsCounter = 1 THEN N'COUNTER ' ELSE N'' END + N'SIGNATURE TO OBJECT::dbo.' + QUOTENAME(S.ModuleName)
               + N' BY CERTIFICATE ' + QUOTENAME(@Certificate) + N' WITH PASSWORD = ' + QUOTENAME(@Password, N'''') + N';'), NCHAR(10))
    FROM @Signing AS S
    WHERE S.CertificateName = @Certificate
      AND OBJECT_ID(N'dbo.' + QUOTENAME(S.ModuleName), N'P') IS NOT NULL;
    SET @Sql += NCHAR(10) + N'ALTER CERTIFICATE ' + QUOTENAME(@Certificate) + N' REMOVE PRIVATE KEY;';
    EXEC sys.sp_executesql @Sql;

    SET @Password = NULL;
    FETCH NEXT FROM Certificates INTO @Certificate;
END;
CLOSE Certificates;
DEALLOCATE Certificates;

-- The roles read the parameter audit through the masking view (the model grants SELECT on it);
-- a publish keeps permissions it does not know (DoNotDropObjectTypes), so the grants on the
-- table itself that earlier versions made are revoked here. The table is CrmDb's own.
REVOKE SELECT ON OBJECT::dbo.MC_SysParamAudit FROM [MC_integrator];
REVOKE SELECT ON OBJECT::dbo.MC_SysParamAudit FROM [MC_support];

-- The allow-list of the functions REPLI values may call: the guide's function, when empty.
IF NOT EXISTS (SELECT 1 FROM dbo.MC_ReplicationFunction)
    INSERT dbo.MC_ReplicationFunction (FunctionName) VALUES (N'dbo.FCT_condpaiement');

-- Hooks that still grant MC_support (written by crmdb autosync new before CrmDb 1.1): listed,
-- never changed (they are the integrators' objects). docs/security.md says how to revoke.
DECLARE @Hook nvarchar(300);
DECLARE @Notice nvarchar(2047);
DECLARE SupportHooks CURSOR LOCAL FAST_FORWARD FOR
    SELECT DISTINCT QUOTENAME(SCHEMA_NAME(p.schema_id)) + N'.' + QUOTENAME(p.name)
    FROM sys.database_permissions AS dp
    JOIN sys.procedures AS p ON p.object_id = dp.major_id
    WHERE dp.class = 1
      AND dp.grantee_principal_id = DATABASE_PRINCIPAL_ID(N'MC_support')
      AND dp.state IN ('G', 'W')
      AND UPPER(LEFT(p.name, 8)) = N'AUTOSYNC';
OPEN SupportHooks;
FETCH NEXT FROM SupportHooks INTO @Hook;
WHILE @@FETCH_STATUS = 0
BEGIN
    SET @Notice = N'CrmDb (sécurité) : la procédure ' + @Hook + N' accorde encore des droits à MC_support, qui pourrait l''exécuter hors trace. '
        + N'Les traces n''en ont plus besoin ; retirez-les : REVOKE EXECUTE, VIEW DEFINITION ON OBJECT::' + @Hook + N' FROM [MC_support]; (docs/security.md)';
    RAISERROR(N'%s', 0, 1, @Notice) WITH NOWAIT;
    FETCH NEXT FROM SupportHooks INTO @Hook;
END;
CLOSE SupportHooks;
DEALLOCATE SupportHooks;
