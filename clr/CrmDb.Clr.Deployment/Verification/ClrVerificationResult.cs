namespace CrmDb.Clr.Deployment.Verification;

/// <summary>What the verifier found in one assembly.</summary>
/// <param name="AssemblyName">The assembly's simple name, as CREATE ASSEMBLY will name it.</param>
/// <param name="Findings">Every finding, CREATE ASSEMBLY ones first, then run-time ones, each group in metadata order.</param>
public sealed record ClrVerificationResult(string AssemblyName, IReadOnlyList<ClrFinding> Findings)
{
    /// <summary>Whether SQL Server would accept the assembly as SAFE, as far as these rules see.</summary>
    public bool IsClean => Findings.Count == 0;
}
