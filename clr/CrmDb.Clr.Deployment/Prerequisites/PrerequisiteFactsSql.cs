namespace CrmDb.Clr.Deployment.Prerequisites;

/// <summary>
/// The T-SQL that reads <see cref="PrerequisiteFacts"/> into variables named after them, given
/// @ClrName (the assembly's name) and @ClrHash (its SHA2_512). crmdb publish runs it followed by
/// a SELECT of the variables; the post-deployment guard runs it and then the table's rows.
/// </summary>
/// <remarks>
/// It runs on any version, so that SQL Server 2016 or older is told its version rather than
/// failing: the version comes from SERVERPROPERTY('ProductVersion') (ProductMajorVersion is 2012+),
/// and the objects of 2017 or later (sys.trusted_assemblies) are read only through sp_executesql
/// once the version is known. Server views need rights a db_owner lacks: sys.trusted_assemblies
/// needs VIEW SERVER STATE (2017, 2019) or VIEW SERVER SECURITY STATE (2022), per
/// "sys.trusted_assemblies (Transact-SQL)" (learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-trusted-assemblies-transact-sql);
/// the right is checked first with HAS_PERMS_BY_NAME, which returns NULL for a permission name
/// the version does not know ("HAS_PERMS_BY_NAME (Transact-SQL)"): NULL counts as no. When this
/// database already holds an assembly with the same hash (sys.assemblies and sys.assembly_files,
/// readable by db_owner), a login that could not trust anyway does not read the server view:
/// nothing needs trusting. A login that can trust reads it, to trust the hash again when an
/// earlier publish of another database removed it.
/// </remarks>
public static class PrerequisiteFactsSql
{
    /// <summary>The statements; they declare one variable per fact.</summary>
    public const string Statements = """
        DECLARE @ProductVersion nvarchar(128) = CONVERT(nvarchar(128), SERVERPROPERTY('ProductVersion'));
        DECLARE @MajorVersion int = CONVERT(int, PARSENAME(@ProductVersion, 4));
        DECLARE @ServerName nvarchar(128) = CONVERT(nvarchar(128), ISNULL(@@SERVERNAME, SERVERPROPERTY('ServerName')));
        DECLARE @DatabaseIdentifier nvarchar(258) = QUOTENAME(DB_NAME());
        DECLARE @LoginIdentifier nvarchar(258) = QUOTENAME(SUSER_SNAME());
        DECLARE @CompatibilityLevel int, @RecoveryModel nvarchar(60), @Collation nvarchar(128), @Trustworthy bit;
        SELECT @CompatibilityLevel = compatibility_level, @RecoveryModel = recovery_model_desc,
               @Collation = collation_name, @Trustworthy = is_trustworthy_on
        FROM sys.databases WHERE database_id = DB_ID();
        DECLARE @ClrEnabled bit = CONVERT(bit, ISNULL((SELECT CONVERT(int, value_in_use) FROM sys.configurations WHERE name = N'clr enabled'), 0));
        DECLARE @ClrStrictSecurity bit = CONVERT(bit, ISNULL((SELECT CONVERT(int, value_in_use) FROM sys.configurations WHERE name = N'clr strict security'), 0));
        DECLARE @IsSysadmin bit = CONVERT(bit, ISNULL(IS_SRVROLEMEMBER(N'sysadmin'), 0));
        DECLARE @CanTrustAssemblies bit = CONVERT(bit, ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, N'CONTROL SERVER'), 0));
        DECLARE @TrustViewPermission nvarchar(128) = CASE WHEN @MajorVersion >= 16 THEN N'VIEW SERVER SECURITY STATE' ELSE N'VIEW SERVER STATE' END;
        DECLARE @CanReadTrustedAssemblies bit = CONVERT(bit, ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, @TrustViewPermission), 0));
        -- The impersonation that EXECUTE AS OWNER makes; an owner without a valid login fails with Msg 15517.
        DECLARE @OwnerValid bit;
        BEGIN TRY
            EXECUTE AS USER = N'dbo';
            REVERT;
            SET @OwnerValid = 1;
        END TRY
        BEGIN CATCH
            SET @OwnerValid = CASE WHEN ERROR_NUMBER() = 15517 THEN 0 END;
        END CATCH;
        DECLARE @AssemblyInDatabase bit, @InstalledAssemblyVersion nvarchar(64), @AssemblyHashTrusted bit;
        IF @MajorVersion >= 14
        BEGIN
            -- HASHBYTES reads varbinary(max) whole from 2016 on.
            SET @AssemblyInDatabase = CASE WHEN EXISTS (
                SELECT 1 FROM sys.assemblies AS a JOIN sys.assembly_files AS f ON f.assembly_id = a.assembly_id AND f.file_id = 1
                WHERE HASHBYTES('SHA2_512', f.content) = @ClrHash) THEN 1 ELSE 0 END;
            SELECT @InstalledAssemblyVersion = CONVERT(nvarchar(16), ASSEMBLYPROPERTY(name, 'VersionMajor')) + N'.'
                + CONVERT(nvarchar(16), ASSEMBLYPROPERTY(name, 'VersionMinor')) + N'.'
                + CONVERT(nvarchar(16), ASSEMBLYPROPERTY(name, 'VersionBuild')) + N'.'
                + CONVERT(nvarchar(16), ASSEMBLYPROPERTY(name, 'VersionRevision'))
            FROM sys.assemblies WHERE name = @ClrName;
            -- Read when it decides something: a hash to trust, or (for a login that can trust) one to trust again.
            IF @CanReadTrustedAssemblies = 1 AND (@AssemblyInDatabase = 0 OR @CanTrustAssemblies = 1)
                EXEC sys.sp_executesql
                    N'SET @trusted = CASE WHEN EXISTS (SELECT 1 FROM sys.trusted_assemblies WHERE hash = @hash) THEN 1 ELSE 0 END;',
                    N'@hash varbinary(64), @trusted bit OUTPUT', @hash = @ClrHash, @trusted = @AssemblyHashTrusted OUTPUT;
        END;
        """;

    /// <summary>The query crmdb publish runs: the statements, then one row of the facts; parameters @ClrName and @ClrHash.</summary>
    public const string Query = Statements + """

        SELECT @ProductVersion AS ProductVersion, @MajorVersion AS MajorVersion, @ServerName AS ServerName,
               @DatabaseIdentifier AS DatabaseIdentifier, @LoginIdentifier AS LoginIdentifier,
               @CompatibilityLevel AS CompatibilityLevel, @OwnerValid AS OwnerValid, @ClrEnabled AS ClrEnabled,
               @ClrStrictSecurity AS ClrStrictSecurity, @RecoveryModel AS RecoveryModel, @Collation AS Collation,
               @Trustworthy AS Trustworthy, @AssemblyInDatabase AS AssemblyInDatabase,
               @InstalledAssemblyVersion AS InstalledAssemblyVersion, @AssemblyHashTrusted AS AssemblyHashTrusted,
               @TrustViewPermission AS TrustViewPermission, @CanTrustAssemblies AS CanTrustAssemblies, @IsSysadmin AS IsSysadmin;
        """;
}
