using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Deployment;

/// <summary>Finds CrmDb.dacpac: --dacpac, else the copy shipped beside crmdb (dacpac/).</summary>
public static class DacpacLocator
{
    /// <summary>File name of the product's package.</summary>
    public const string PackageFileName = "CrmDb.dacpac";

    private static readonly Localizer Text = new("Deployment");

    /// <summary>The path of the package to deploy; a usage error when it is nowhere.</summary>
    public static string Locate(string? option)
    {
        string path = string.IsNullOrWhiteSpace(option)
            ? Path.Combine(AppContext.BaseDirectory, "dacpac", PackageFileName)
            : Path.GetFullPath(option);
        return File.Exists(path) ? path : throw new UsageException(Text["DacpacMissing", path]);
    }
}
