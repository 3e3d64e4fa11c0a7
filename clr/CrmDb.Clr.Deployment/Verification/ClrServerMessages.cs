namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// SQL Server's own texts for the messages the rules lead to, filled in as the server would
/// (templates from "Database engine events and errors 6000 to 6999"; the server speaks English
/// unless its language is changed, so these stay English).
/// </summary>
internal static class ClrServerMessages
{
    public static string StaticField(string assembly, string type, string field) =>
        $"CREATE ASSEMBLY failed because type '{type}' in safe assembly '{assembly}' has a static field '{field}'. "
        + "Attributes of static fields in safe assemblies must be marked readonly in Visual C#, ReadOnly in Visual Basic, or initonly in Visual C++ and intermediate language.";

    public static string Finalizer(string assembly, string type) =>
        $"CREATE ASSEMBLY failed because type \"{type}\" in safe assembly \"{assembly}\" has a finalizer. Finalizers are not allowed in safe assemblies.";

    public static string PlatformInvoke(string assembly, string type) =>
        $"CREATE ASSEMBLY failed because type \"{type}\" in safe assembly \"{assembly}\" has a pinvokeimpl method. P/Invoke is not allowed in safe assemblies.";

    public static string InvalidMethodAttribute(string assembly, string type, string method, int flags) =>
        $"CREATE ASSEMBLY failed because method '{method}' on type '{type}' in safe assembly '{assembly}' has invalid attribute 0x{flags:x}.";

    public static string Synchronized(string assembly, string type, string method) =>
        $"CREATE ASSEMBLY failed because method \"{method}\" on type \"{type}\" in safe assembly \"{assembly}\" has a synchronized attribute. Explicit synchronization is not allowed in safe assemblies.";

    public static string UnmanagedEntryPoint(string assembly) =>
        $"CREATE ASSEMBLY failed because assembly \"{assembly}\" has an unmanaged entry point.";

    public static string NotPureNet(string assembly) =>
        $"CREATE ASSEMBLY for assembly '{assembly}' failed because assembly '{assembly}' is malformed or not a pure .NET assembly.";

    public static string FailedVerification(string assembly) =>
        $"CREATE ASSEMBLY for assembly '{assembly}' failed because assembly '{assembly}' failed verification. "
        + "Check if the referenced assemblies are up-to-date and trusted (for external_access or unsafe) to execute in the database. CLR Verifier error messages if any will follow this message";

    public static string CompiledUnsafe(string assembly) =>
        $"CREATE ASSEMBLY failed because assembly '{assembly}' was compiled with /UNSAFE option, but the assembly was not registered with the required PERMISSION_SET = UNSAFE option.";

    public static string MethodAttribute(string assembly, string type, string method, string attribute) =>
        $"CREATE ASSEMBLY failed because method \"{method}\" on type \"{type}\" in assembly \"{assembly}\" has an invalid custom attribute \"{attribute}\".";

    public static string FieldAttribute(string assembly, string type, string field, string attribute) =>
        $"CREATE ASSEMBLY failed because field \"{field}\" in type \"{type}\" in assembly \"{assembly}\" has an invalid custom attribute \"{attribute}\".";

    public static string TypeAttribute(string assembly, string type, string attribute) =>
        $"CREATE ASSEMBLY failed because type \"{type}\" in assembly \"{assembly}\" has an invalid custom attribute \"{attribute}\".";

    public static string MissingReference(string reference) =>
        $"Assembly '{reference}' was not found in the SQL catalog.";

    public static string HostProtection(string routine, string demanded) =>
        $"A .NET Framework error occurred during execution of user-defined routine or aggregate \"{routine}\": "
        + "System.Security.HostProtectionException: Attempted to perform an operation that was forbidden by the CLR host. "
        + $"The protected resources (only available with full trust) were: All. The demanded resources were: {demanded}";
}
