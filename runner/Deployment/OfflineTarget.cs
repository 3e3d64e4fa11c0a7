using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;

namespace CrmDb.Runner.Deployment;

/// <summary>
/// Targets that need no server: an empty SQL Server 2017 database, or any model given as T-SQL,
/// written as a temporary DACPAC that DacFx compares against.
/// </summary>
public static class OfflineTarget
{
    /// <summary>An empty French_CI_AS database on SQL Server 2017, as a package file.</summary>
    public static string EmptyDatabase(string directory) => FromScripts(directory, "EmptyTarget", []);

    /// <summary>A database holding exactly <paramref name="scripts"/>, as a package file.</summary>
    public static string FromScripts(string directory, string name, IEnumerable<string> scripts)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name + ".dacpac");
        var options = new TSqlModelOptions { Collation = "French_CI_AS" };
        using var model = new TSqlModel(SqlServerVersion.Sql140, options);
        foreach (string script in scripts)
        {
            model.AddObjects(script);
        }

        DacPackageExtensions.BuildPackage(path, model, new PackageMetadata { Name = name, Version = "0.0.0.0" });
        return path;
    }
}
