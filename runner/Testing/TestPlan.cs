using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Runner.Testing;

/// <summary>A script split into batches, with the file it came from.</summary>
public sealed record SqlScript(string Path, IReadOnlyList<Batch> Batches)
{
    private static readonly Localizer Text = new("Test");

    /// <summary>
    /// Reads <paramref name="path"/> with the batch parser of crmdb run (sqlcmd semantics; $(NAME)
    /// left as written, as sqlcmd -x and SSMS do, since tSQLt.class.sql is not a sqlcmd script),
    /// then parses each batch with ScriptDom's SQL Server 2017 parser, so that a script that
    /// cannot run is refused with its file and line before anything is created on the server.
    /// </summary>
    public static SqlScript Read(string path)
    {
        List<Batch> batches;
        try
        {
            batches = new BatchReader(new BatchReaderOptions { SubstituteVariables = false }).Read(path).ToList();
        }
        catch (BatchScriptException ex)
        {
            throw new UsageException(ex.Message);
        }

        foreach (Batch batch in batches)
        {
            var parser = new TSql140Parser(initialQuotedIdentifiers: true);
            using var reader = new StringReader(batch.Text);
            parser.Parse(reader, out IList<ParseError> errors);
            if (errors.Count > 0)
            {
                var (file, line) = batch.Locate(errors[0].Line);
                throw new UsageException(Text["ParseFailed", file, line, errors[0].Message]);
            }
        }

        return new SqlScript(path, batches);
    }
}

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

    /// <summary>The configuration crmdb was built in: its own build of the fixture is looked at first.</summary>
#if DEBUG
    private const string OwnConfiguration = "Debug";
    private const string OtherConfiguration = "Release";
#else
    private const string OwnConfiguration = "Release";
    private const string OtherConfiguration = "Debug";
#endif

    private static readonly Localizer Text = new("Test");

    /// <summary>
    /// Where GesCom.dacpac is looked for when --gescom-dacpac is not given, in order: beside
    /// CrmDb.dacpac (<paramref name="packageFolder"/>: a runner shipped with the fixture), then
    /// where the build of tests/fixtures/GesCom puts it (bin/&lt;configuration&gt;/, the
    /// configuration crmdb was built in first), found from the tests folder
    /// (<paramref name="testsFolder"/>, tests/tsqlt: the fixture is its sibling tests/fixtures/GesCom).
    /// </summary>
    public static IReadOnlyList<string> GesComCandidates(string packageFolder, string testsFolder)
    {
        string fixtureBin = Path.GetFullPath(Path.Combine(testsFolder, "..", "fixtures", "GesCom", "bin"));
        return
        [
            Path.Combine(Path.GetFullPath(packageFolder), GesComFileName),
            Path.Combine(fixtureBin, OwnConfiguration, GesComFileName),
            Path.Combine(fixtureBin, OtherConfiguration, GesComFileName),
        ];
    }

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
            searched.AddRange(GesComCandidates(packageFolder, tests));
            gesCom = searched.FirstOrDefault(File.Exists);
        }

        return new TestPlan(
            serverConnection,
            SqlScript.Read(tsqlt),
            classFiles.Select(SqlScript.Read).ToList(),
            crmDbDacpac,
            sageCrm,
            gesCom,
            searched,
            options,
            keep);
    }
}
