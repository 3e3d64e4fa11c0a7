using CrmDb.Clr.Deployment;

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
