using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Tests.Deployment;

/// <summary>
/// One version in the repository (Directory.Build.props): crmdb --version, the DACPAC's
/// DacVersion and every MC_ procedure's @Version literal say the same.
/// </summary>
public sealed partial class VersionTests
{
    private static string RepositoryVersion =>
        XDocument.Load(Repository.PathOf("Directory.Build.props")).Descendants("Version").Single().Value.Trim();

    [Fact]
    public void Crmdb_version_prints_the_repository_version()
    {
        // The built executable, not in-process: --version reads the entry assembly, which in-process is the test host.
        string crmdb = Repository.PathOf("runner", "bin", Repository.Configuration, "net10.0", "crmdb.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(crmdb);
        start.ArgumentList.Add("--version");
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(RepositoryVersion, output.Trim());
    }

    [Fact]
    public void The_DACPAC_is_stamped_with_the_repository_version()
    {
        using var package = DacPackage.Load(Repository.CrmDbDacpac);

        Assert.Equal(Version.Parse(RepositoryVersion), package.Version);
    }

    [Fact]
    public void Every_MC_procedure_version_literal_is_the_repository_version()
    {
        var literals = Directory.EnumerateFiles(Repository.PathOf("database", "dbo"), "*.sql", SearchOption.AllDirectories)
            .SelectMany(path => VersionLiteral().Matches(File.ReadAllText(path)).Select(m => (File: Path.GetFileName(path), Version: m.Groups[1].Value)))
            .ToList();

        // The procedures that print their version (help texts, run headers) hold one each.
        Assert.Contains(literals, l => l.File == "MC_setsysparams.sql");
        Assert.Contains(literals, l => l.File == "MC_runautosync.sql");
        Assert.Contains(literals, l => l.File == "MC_traceautosync.sql");
        Assert.All(literals, l => Assert.True(l.Version == RepositoryVersion, $"{l.File}: @Version = N'{l.Version}', the repository is {RepositoryVersion} (Directory.Build.props)"));
    }

    [GeneratedRegex(@"DECLARE\s+@Version\s+nvarchar\(\d+\)\s*=\s*N'([^']*)'", RegexOptions.IgnoreCase)]
    private static partial Regex VersionLiteral();
}
