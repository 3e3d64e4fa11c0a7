using System.IO.Compression;
using System.Text.RegularExpressions;

namespace CrmDb.Runner.Deployment;

/// <summary>The SQLCLR assembly a package installs in its post-deployment script (DacFx's report never lists it).</summary>
public sealed partial record PackageAssembly(string Name, string PermissionSet, byte[] Hash)
{
    /// <summary>Reads it from the package's postdeploy.sql; null when the package installs no assembly.</summary>
    public static PackageAssembly? Read(string dacpacPath)
    {
        byte[]? hash = PackageClrHash.Read(dacpacPath);
        if (hash is null)
        {
            return null;
        }

        using var archive = ZipFile.OpenRead(dacpacPath);
        using var reader = new StreamReader(archive.GetEntry("postdeploy.sql")!.Open());
        string script = reader.ReadToEnd();
        var name = AssemblyNameDeclaration().Match(script);
        var permission = PermissionSetClause().Match(script);
        return new PackageAssembly(
            name.Success ? name.Groups[1].Value : "CrmDb.Clr",
            permission.Success ? permission.Groups[1].Value.ToUpperInvariant() : "SAFE",
            hash);
    }

    // Both written by CrmDb.Clr.Deployment.ClrDeploymentScript.
    [GeneratedRegex(@"DECLARE @ClrName sysname = N'([^']+)';")]
    private static partial Regex AssemblyNameDeclaration();

    [GeneratedRegex(@"PERMISSION_SET = (\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex PermissionSetClause();
}
