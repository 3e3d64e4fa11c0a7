namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// Where the .NET Framework 4.8 reference assemblies of the supported libraries lie: net48-reference/
/// beside the running program (CrmDb.Clr.Deployment.csproj copies them there from the reference
/// package, and every project that references it gets the copy).
/// </summary>
public static class Net48ReferenceFolder
{
    /// <summary>The folder name beside the program.</summary>
    public const string Name = "net48-reference";

    /// <summary>The folder beside the running program.</summary>
    public static string Default => Path.Combine(AppContext.BaseDirectory, Name);
}
