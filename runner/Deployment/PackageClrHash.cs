using System.IO.Compression;
using System.Text.RegularExpressions;

namespace CrmDb.Runner.Deployment;

/// <summary>The SHA2_512 hash of the SQLCLR assembly a package installs, read from its post-deployment script.</summary>
public static partial class PackageClrHash
{
    /// <summary>The hash, or null when the package installs no assembly.</summary>
    public static byte[]? Read(string dacpacPath)
    {
        using var archive = ZipFile.OpenRead(dacpacPath);
        var entry = archive.GetEntry("postdeploy.sql");
        if (entry is null)
        {
            return null;
        }

        using var reader = new StreamReader(entry.Open());
        var match = HashDeclaration().Match(reader.ReadToEnd());
        return match.Success ? Convert.FromHexString(match.Groups[1].Value) : null;
    }

    // Written by CrmDb.Clr.Deployment.ClrDeploymentScript.
    [GeneratedRegex(@"DECLARE @ClrHash varbinary\(64\) = 0x([0-9A-F]{128});")]
    private static partial Regex HashDeclaration();
}
