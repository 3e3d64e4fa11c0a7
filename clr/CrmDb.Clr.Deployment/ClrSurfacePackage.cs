using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;

namespace CrmDb.Clr.Deployment;

/// <summary>
/// A reference-only DACPAC holding T-SQL stubs with the signatures of the CLR wrappers, so that
/// DacFx resolves calls to them while building CrmDb.dacpac. It is referenced as a same-database
/// reference and never deployed (IncludeCompositeObjects=False); the real wrappers come from the
/// post-deployment script.
/// </summary>
public static class ClrSurfacePackage
{
    /// <summary>Builds the stub model, validates it and writes it to <paramref name="dacpacPath"/>.</summary>
    public static void Write(string dacpacPath, string version, IReadOnlyList<ClrEntryPoint> entryPoints)
    {
        var options = new TSqlModelOptions { Collation = "French_CI_AS" };
        using var model = new TSqlModel(SqlServerVersion.Sql140, options);
        foreach (var entryPoint in entryPoints)
        {
            model.AddObjects(ClrDeploymentScript.StubDefinition(entryPoint));
        }

        var errors = model.Validate().Where(m => m.MessageType == DacMessageType.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                "The CLR wrapper stubs do not validate: " + string.Join("; ", errors.Select(e => e.ToString())));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dacpacPath))!);
        var metadata = new PackageMetadata
        {
            Name = "CrmDb.ClrSurface",
            Version = version,
            Description = "Signatures of the CrmDb.Clr wrappers (reference only, never deployed).",
        };
        DacPackageExtensions.BuildPackage(dacpacPath, model, metadata);
    }
}
