namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// The rules SQL Server's CLR host applies to a SAFE assembly, each with its source. Message
/// numbers and texts are SQL Server's own ("Database engine events and errors 6000 to 6999").
/// docs/testing.md lists the same rules.
/// </summary>
public static class ClrHostRules
{
    /// <summary>Microsoft's "CLR Integration Programming Model Restrictions" (CREATE ASSEMBLY and run-time checks).</summary>
    public const string ProgrammingModelRestrictions = "CLR Integration Programming Model Restrictions";

    /// <summary>Microsoft's "Host Protection Attributes and CLR Integration Programming".</summary>
    public const string HostProtectionAttributes = "Host Protection Attributes and CLR Integration Programming";

    /// <summary>Microsoft's "Supported .NET Framework Libraries".</summary>
    public const string SupportedLibraries = "Supported .NET Framework Libraries";

    /// <summary>Static fields are not used to store information; read-only static fields are allowed. Compiler-generated caches count.</summary>
    public static readonly ClrRule MutableStaticField = new(
        "CLR001", "static field that is not readonly", ClrRefusalTime.CreateAssembly, 6211, ProgrammingModelRestrictions);

    /// <summary>Finalizer methods are not used.</summary>
    public static readonly ClrRule Finalizer = new(
        "CLR002", "finalizer", ClrRefusalTime.CreateAssembly, 6216, ProgrammingModelRestrictions);

    /// <summary>P/Invoke (DllImport, pinvokeimpl, ImplMap).</summary>
    public static readonly ClrRule PlatformInvoke = new(
        "CLR003", "P/Invoke method", ClrRefusalTime.CreateAssembly, 6265, ProgrammingModelRestrictions);

    /// <summary>Method bodies that are not IL: native, unmanaged or internal-call implementation flags.</summary>
    public static readonly ClrRule NativeMethod = new(
        "CLR004", "method not implemented in managed IL", ClrRefusalTime.CreateAssembly, 6215, ProgrammingModelRestrictions);

    /// <summary>A mixed-mode image (not IL only) or one with a native entry point.</summary>
    public static readonly ClrRule MixedModeImage = new(
        "CLR005", "image is not pure .NET (mixed mode or native entry point)", ClrRefusalTime.CreateAssembly, 6544, ProgrammingModelRestrictions);

    /// <summary>Synchronization is not used: [MethodImpl(MethodImplOptions.Synchronized)].</summary>
    public static readonly ClrRule SynchronizedMethod = new(
        "CLR006", "synchronized method", ClrRefusalTime.CreateAssembly, 6213, ProgrammingModelRestrictions);

    /// <summary>The PEVerify test must pass: what metadata and IL show of unverifiable code.</summary>
    public static readonly ClrRule UnverifiableCode = new(
        "CLR007", "unverifiable code", ClrRefusalTime.CreateAssembly, 6218, ProgrammingModelRestrictions);

    /// <summary>Compiled with /unsafe: UnverifiableCodeAttribute or a SkipVerification permission request.</summary>
    public static readonly ClrRule UnsafeCompilation = new(
        "CLR008", "compiled with /unsafe (UnverifiableCode, SkipVerification)", ClrRefusalTime.CreateAssembly, 6205, ProgrammingModelRestrictions);

    /// <summary>A custom attribute the restrictions page disallows, on a type, method or field.</summary>
    public static readonly ClrRule DisallowedAttribute = new(
        "CLR009", "custom attribute SQL Server disallows", ClrRefusalTime.CreateAssembly, 6237, ProgrammingModelRestrictions);

    /// <summary>A reference to an assembly SQL Server does not load for a SAFE assembly.</summary>
    public static readonly ClrRule UnsupportedReference = new(
        "CLR010", "reference outside the libraries SQL Server loads", ClrRefusalTime.CreateAssembly, 6503, SupportedLibraries);

    /// <summary>A call to a member or type whose host-protection attribute names a resource SAFE forbids.</summary>
    public static readonly ClrRule HostProtectedMember = new(
        "CLR011", "call to a host-protected member", ClrRefusalTime.RunTime, 6522, HostProtectionAttributes);

    /// <summary>Every rule, in code order.</summary>
    public static IReadOnlyList<ClrRule> All { get; } =
    [
        MutableStaticField, Finalizer, PlatformInvoke, NativeMethod, MixedModeImage, SynchronizedMethod,
        UnverifiableCode, UnsafeCompilation, DisallowedAttribute, UnsupportedReference, HostProtectedMember,
    ];

    /// <summary>
    /// Custom attributes the restrictions page disallows in SAFE and EXTERNAL_ACCESS assemblies, checked
    /// on types, methods and fields (Msg 6237 to 6239 name those). MethodImplAttribute and
    /// DllImportAttribute are pseudo-attributes stored as flags: CLR003, CLR004, CLR006 and the
    /// method-flag check judge them. CompilationRelaxationsAttribute on the assembly or module is what
    /// every C# compilation emits and SQL Server accepts; on a type or method it is checked here.
    /// </summary>
    public static IReadOnlyList<string> DisallowedAttributes { get; } =
    [
        "System.ContextStaticAttribute",
        "System.MTAThreadAttribute",
        "System.Runtime.CompilerServices.CompilationRelaxationsAttribute",
        "System.Runtime.Remoting.Contexts.ContextAttribute",
        "System.Runtime.Remoting.Contexts.SynchronizationAttribute",
        "System.Security.SuppressUnmanagedCodeSecurityAttribute",
        "System.Security.UnverifiableCodeAttribute",
        "System.STAThreadAttribute",
        "System.ThreadStaticAttribute",
    ];

    /// <summary>
    /// The libraries SQL Server loads from the GAC for any assembly ("Supported .NET Framework
    /// Libraries"; System.Numerics, netstandard and the System.Runtime facades are not among them).
    /// </summary>
    public static IReadOnlyList<string> SupportedAssemblies { get; } =
    [
        "mscorlib",
        "CustomMarshalers",
        "Microsoft.VisualBasic",
        "Microsoft.VisualC",
        "System",
        "System.Configuration",
        "System.Core",
        "System.Data",
        "System.Data.OracleClient",
        "System.Data.SqlXml",
        "System.Deployment",
        "System.Security",
        "System.Transactions",
        "System.Web.Services",
        "System.Xml",
        "System.Xml.Linq",
    ];

    /// <summary>Whether SQL Server loads <paramref name="assemblyName"/> for a SAFE assembly without CREATE ASSEMBLY.</summary>
    public static bool IsSupportedAssembly(string assemblyName) =>
        SupportedAssemblies.Contains(assemblyName, StringComparer.OrdinalIgnoreCase);
}
