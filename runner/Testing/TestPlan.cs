using CrmDb.Runner.Cli;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Runner.Testing;

/// <summary>A script split into batches, with the file it came from.</summary>
public sealed record SqlScript(string Path, IReadOnlyList<SqlBatch> Batches);

/// <summary>Everything crmdb test needs, checked before anything is created on the server.</summary>
public sealed record TestPlan(
    string ServerConnection,
    SqlScript Tsqlt,
    IReadOnlyList<SqlScript> TestClasses,
    string CrmDbDacpac,
    string SageCrmDacpac,
    string? GesComDacpac,
    IReadOnlyList<string> GesComSearched,
    DacDeployOptions DeployOptions,
    bool Keep)
{
    /// <summary>The vendor model CrmDb.dacpac references, built and shipped beside it.</summary>
    public const string SageCrmFileName = "SageCrm.dacpac";

    /// <summary>The GesCom fixture (tests/fixtures/GesCom) package.</summary>
    public const string GesComFileName = "GesCom.dacpac";

    private static readonly Localizer Text = new("Test");

    /// <summary>Reads and splits the scripts and finds the packages; a usage error names what is missing.</summary>
    public static TestPlan Create(
        string serverConnection, string tsqltPath, string testsFolder, string crmDbDacpac, string? gesComOption,
        DacDeployOptions options, bool keep)
    {
        string tsqlt = Path.GetFullPath(tsqltPath);
        if (!File.Exists(tsqlt))
        {
            throw new UsageException(Text["TsqltMissing", tsqlt]);
        }

        string tests = Path.GetFullPath(testsFolder);
        if (!Directory.Exists(tests))
        {
            throw new UsageException(Text["TestsMissing", tests]);
        }

        var classFiles = Directory.EnumerateFiles(tests, "*.class.sql").Order(StringComparer.Ordinal).ToList();
        if (classFiles.Count == 0)
        {
            throw new UsageException(Text["NoTestClasses", tests]);
        }

        string packageFolder = Path.GetDirectoryName(crmDbDacpac)!;
        string sageCrm = Path.Combine(packageFolder, SageCrmFileName);
        if (!File.Exists(sageCrm))
        {
            throw new UsageException(Text["SageCrmMissing", sageCrm]);
        }

        var searched = new List<string>();
        string? gesCom;
        if (!string.IsNullOrWhiteSpace(gesComOption))
        {
            gesCom = Path.GetFullPath(gesComOption);
            if (!File.Exists(gesCom))
            {
                throw new UsageException(Text["GesComOptionMissing", gesCom]);
            }
        }
        else
        {
            // Beside CrmDb.dacpac (a shipped runner), else the fixture's build output in the repository.
            searched.Add(Path.Combine(packageFolder, GesComFileName));
            string fixture = Path.GetFullPath(Path.Combine(tests, "..", "fixtures", "GesCom", "bin"));
            searched.Add(Path.Combine(fixture, "Release", GesComFileName));
            searched.Add(Path.Combine(fixture, "Debug", GesComFileName));
            gesCom = searched.FirstOrDefault(File.Exists);
        }

        return new TestPlan(
            serverConnection,
            Read(tsqlt),
            classFiles.Select(Read).ToList(),
            crmDbDacpac,
            sageCrm,
            gesCom,
            searched,
            options,
            keep);
    }

    private static SqlScript Read(string path) => new(path, SqlBatches.Split(File.ReadAllText(path), path));
}
