using System.Reflection;

namespace CrmDb.Tests.Infrastructure;

/// <summary>Paths of the repository and of what its build produced, for the tests.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CrmDb.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CrmDb.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The folder holding CrmDb.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The build configuration the tests were built in (Debug or Release).</summary>
    public static string Configuration =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;

    /// <summary>A path below the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The built CrmDb.dacpac (its reference packages lie beside it).</summary>
    public static string CrmDbDacpac => PathOf("database", "bin", Configuration, "CrmDb.dacpac");

    /// <summary>The built reference-only model of Sage's objects.</summary>
    public static string SageCrmDacpac => PathOf("database", "reference", "SageCrm", "bin", Configuration, "SageCrm.dacpac");

    /// <summary>The net48 SQLCLR assembly that SQL Server loads.</summary>
    public static string ClrAssemblyNet48 => PathOf("clr", "CrmDb.Clr", "bin", Configuration, "net48", "CrmDb.Clr.dll");

    /// <summary>Every .sql file the repository tracks (bin, obj and generated output excluded).</summary>
    public static IEnumerable<string> SqlFiles() =>
        Directory.EnumerateFiles(Root, "*.sql", SearchOption.AllDirectories)
            .Where(path =>
            {
                string relative = Path.GetRelativePath(Root, path).Replace('\\', '/');
                return !relative.Split('/').Any(part => part is "bin" or "obj" or "Generated" or "TestResults" or "out" or ".git");
            })
            .Order(StringComparer.Ordinal);
}
