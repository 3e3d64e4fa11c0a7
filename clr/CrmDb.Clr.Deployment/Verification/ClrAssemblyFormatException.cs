namespace CrmDb.Clr.Deployment.Verification;

/// <summary>The file given to the verifier is not a .NET assembly (no PE image, or no metadata).</summary>
public sealed class ClrAssemblyFormatException(string path, string reason)
    : Exception($"'{path}' is not a .NET assembly: {reason}")
{
    /// <summary>The file that was read.</summary>
    public string Path { get; } = path;

    /// <summary>Why it is not an assembly.</summary>
    public string Reason { get; } = reason;
}
