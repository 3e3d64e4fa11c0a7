namespace CrmDb.Clr.Deployment.Prerequisites;

/// <summary>
/// One fact of <see cref="PrerequisiteFacts"/> as the decision table uses it: its value in C#, and
/// the T-SQL variable that holds it in <see cref="PrerequisiteFactsSql"/>.
/// </summary>
public sealed class PrerequisiteFact
{
    private readonly Func<PrerequisiteFacts, object?> read;

    private PrerequisiteFact(string name, Func<PrerequisiteFacts, object?> read, string? unknownMessageKey = null, params PrerequisiteFact[] unknownArguments)
    {
        Name = name;
        this.read = read;
        UnknownMessageKey = unknownMessageKey ?? "PrereqUnknown";
        UnknownArguments = unknownArguments;
    }

    /// <summary>Its name, also the name of its T-SQL variable (without @).</summary>
    public string Name { get; }

    /// <summary>The message that names this fact when the caller could not read it.</summary>
    public string UnknownMessageKey { get; }

    /// <summary>The facts whose values fill that message; none: the message gets the fact's name.</summary>
    public IReadOnlyList<PrerequisiteFact> UnknownArguments { get; }

    /// <summary>The T-SQL variable.</summary>
    public string Variable => "@" + Name;

    /// <summary>Its value in <paramref name="facts"/>; null when unknown.</summary>
    public object? Read(PrerequisiteFacts facts) => read(facts);

#pragma warning disable CS1591 // The facts are described on PrerequisiteFacts.
    public static readonly PrerequisiteFact ProductVersion = new(nameof(ProductVersion), f => f.ProductVersion);
    public static readonly PrerequisiteFact MajorVersion = new(nameof(MajorVersion), f => f.MajorVersion);
    public static readonly PrerequisiteFact DatabaseIdentifier = new(nameof(DatabaseIdentifier), f => f.DatabaseIdentifier);
    public static readonly PrerequisiteFact LoginIdentifier = new(nameof(LoginIdentifier), f => f.LoginIdentifier);
    public static readonly PrerequisiteFact TrustViewPermission = new(nameof(TrustViewPermission), f => f.TrustViewPermission);
    public static readonly PrerequisiteFact CompatibilityLevel = new(nameof(CompatibilityLevel), f => f.CompatibilityLevel);
    public static readonly PrerequisiteFact OwnerValid = new(nameof(OwnerValid), f => f.OwnerValid, "PrereqUnknownOwner", DatabaseIdentifier);
    public static readonly PrerequisiteFact ClrEnabled = new(nameof(ClrEnabled), f => f.ClrEnabled);
    public static readonly PrerequisiteFact ClrStrictSecurity = new(nameof(ClrStrictSecurity), f => f.ClrStrictSecurity);
    public static readonly PrerequisiteFact RecoveryModel = new(nameof(RecoveryModel), f => f.RecoveryModel);
    public static readonly PrerequisiteFact Collation = new(nameof(Collation), f => f.Collation);
    public static readonly PrerequisiteFact Trustworthy = new(nameof(Trustworthy), f => f.Trustworthy);
    public static readonly PrerequisiteFact AssemblyInDatabase = new(nameof(AssemblyInDatabase), f => f.AssemblyInDatabase);
    public static readonly PrerequisiteFact InstalledAssemblyVersion = new(nameof(InstalledAssemblyVersion), f => f.InstalledAssemblyVersion);
    public static readonly PrerequisiteFact AssemblyHashTrusted = new(nameof(AssemblyHashTrusted), f => f.AssemblyHashTrusted, "PrereqUnknownTrust", TrustViewPermission, LoginIdentifier);
    public static readonly PrerequisiteFact CanTrustAssemblies = new(nameof(CanTrustAssemblies), f => f.CanTrustAssemblies);
#pragma warning restore CS1591
}
