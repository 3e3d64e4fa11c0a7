namespace CrmDb.Clr.Deployment.Prerequisites;

/// <summary>
/// What is read from the target before CrmDb is deployed, by <c>crmdb publish</c> and by the
/// post-deployment script's guard (the same T-SQL, <see cref="PrerequisiteFactsSql"/>).
/// A null value is a fact the caller could not read.
/// </summary>
public sealed record PrerequisiteFacts
{
    /// <summary>SERVERPROPERTY('ProductVersion') ("14.0.3456.2").</summary>
    public string ProductVersion { get; init; } = string.Empty;

    /// <summary>The engine's major version (14 = 2017, 15 = 2019, 16 = 2022).</summary>
    public int MajorVersion { get; init; }

    /// <summary>@@SERVERNAME.</summary>
    public string ServerName { get; init; } = string.Empty;

    /// <summary>QUOTENAME(DB_NAME()), ready for the ALTER DATABASE lines of the messages.</summary>
    public string DatabaseIdentifier { get; init; } = string.Empty;

    /// <summary>QUOTENAME(SUSER_SNAME()): the login that deploys.</summary>
    public string LoginIdentifier { get; init; } = string.Empty;

    /// <summary>sys.databases.compatibility_level of the target.</summary>
    public int? CompatibilityLevel { get; init; }

    /// <summary>Whether the database owner can be impersonated (false: Msg 15517 on EXECUTE AS OWNER).</summary>
    public bool? OwnerValid { get; init; }

    /// <summary>sp_configure 'clr enabled' in use.</summary>
    public bool ClrEnabled { get; init; }

    /// <summary>sp_configure 'clr strict security' in use (absent before 2017: false).</summary>
    public bool ClrStrictSecurity { get; init; }

    /// <summary>sys.databases.recovery_model_desc of the target.</summary>
    public string? RecoveryModel { get; init; }

    /// <summary>sys.databases.collation_name of the target.</summary>
    public string? Collation { get; init; }

    /// <summary>sys.databases.is_trustworthy_on of the target.</summary>
    public bool? Trustworthy { get; init; }

    /// <summary>Whether this database already holds an assembly with the package's hash (db_owner can read it).</summary>
    public bool? AssemblyInDatabase { get; init; }

    /// <summary>The version of the assembly of that name installed in this database, null when none.</summary>
    public string? InstalledAssemblyVersion { get; init; }

    /// <summary>Whether sys.trusted_assemblies holds the package's hash; null when not read (no right, or not needed).</summary>
    public bool? AssemblyHashTrusted { get; init; }

    /// <summary>The server permission that reading sys.trusted_assemblies needs on this version.</summary>
    public string TrustViewPermission { get; init; } = "VIEW SERVER STATE";

    /// <summary>HAS_PERMS_BY_NAME(NULL, NULL, 'CONTROL SERVER'), which sys.sp_add_trusted_assembly needs (NULL counts as no).</summary>
    public bool CanTrustAssemblies { get; init; }

    /// <summary>IS_SRVROLEMEMBER('sysadmin') (crmdb test asks for it).</summary>
    public bool IsSysadmin { get; init; }
}
