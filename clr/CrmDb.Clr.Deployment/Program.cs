using CrmDb.Clr.Deployment;
using CrmDb.Clr.Deployment.Verification;

// Usage: CrmDb.Clr.Deployment <assembly.dll> <post-deployment.sql> <surface.dacpac>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: CrmDb.Clr.Deployment ASSEMBLY.dll OUTPUT.sql OUTPUT.dacpac");
    return 2;
}

string assemblyPath = args[0];
if (!File.Exists(assemblyPath))
{
    Console.Error.WriteLine($"error: the SQLCLR assembly '{assemblyPath}' does not exist; build clr/CrmDb.Clr for net48 first.");
    return 2;
}

byte[] bytes = File.ReadAllBytes(assemblyPath);

// The bytes that ship must pass SQL Server's SAFE rules before any script is written: a finding
// fails the build, printed as MSBuild errors (file: error CODE: text).
ClrVerificationResult verification;
using (var catalog = new HostProtectionCatalog(Net48ReferenceFolder.Default))
{
    verification = SafeAssemblyVerifier.Verify(bytes, assemblyPath, catalog);
}

if (!verification.IsClean)
{
    foreach (var finding in verification.Findings)
    {
        Console.WriteLine($"{assemblyPath}: error {finding.Rule.Code}: {finding.Message}");
    }

    Console.Error.WriteLine($"SQL Server would refuse {verification.AssemblyName} as a SAFE assembly ({verification.Findings.Count} finding(s) above): fix the code of clr/CrmDb.Clr, or check it with crmdb clr verify.");
    return 1;
}

string name = ClrAssemblyReader.AssemblyName(assemblyPath);
string version = System.Reflection.AssemblyName.GetAssemblyName(assemblyPath).Version?.ToString() ?? "1.0.0.0";
var entryPoints = ClrAssemblyReader.ReadEntryPoints(assemblyPath);
if (entryPoints.Count == 0)
{
    Console.Error.WriteLine($"error: '{assemblyPath}' has no [SqlFunction] or [SqlProcedure] method.");
    return 1;
}

string script = ClrDeploymentScript.Build(name, version, bytes, entryPoints);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[1]))!);
// Written only when it changed, so that the SQL build stays incremental.
if (!File.Exists(args[1]) || File.ReadAllText(args[1]) != script)
{
    File.WriteAllText(args[1], script, new System.Text.UTF8Encoding(false));
}

ClrSurfacePackage.Write(args[2], version, entryPoints);
Console.WriteLine($"{name} {version}: {entryPoints.Count} wrapper(s) -> {args[1]}, {args[2]}");
return 0;
