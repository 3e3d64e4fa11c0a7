namespace CrmDb.Clr.Deployment.Verification;

/// <summary>When SQL Server's CLR host refuses what a rule describes.</summary>
public enum ClrRefusalTime
{
    /// <summary>CREATE ASSEMBLY (or ALTER ASSEMBLY) fails: the assembly never reaches the database.</summary>
    CreateAssembly,

    /// <summary>The assembly is created, but the routine that reaches the code fails when it runs (Msg 6522).</summary>
    RunTime,
}
