using CrmDb.Runner.Cli;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Runner.Deployment;

/// <summary>What a deployment or a scripting produced: the script, DacFx's XML report and its Markdown reading.</summary>
public sealed record DeploymentOutput(string ScriptPath, string ReportPath, bool Deployed, string? ReportMarkdownPath = null);

/// <summary>DacFx deployment (the engine behind sqlpackage) of CrmDb.dacpac, online or offline.</summary>
public sealed class Deployer(TextWriter log)
{
    private static readonly Localizer Text = new("Deployment");

    /// <summary>Publishes to the database of <paramref name="connectionString"/>, keeping script and report.</summary>
    public DeploymentOutput Publish(string dacpacPath, string connectionString, DacDeployOptions options, string outputDirectory)
    {
        string database = Connection.DatabaseName(connectionString);
        using var package = DacPackage.Load(dacpacPath);
        var services = new DacServices(connectionString);
        services.Message += (_, e) => log.WriteLine(e.Message.ToString());
        Directory.CreateDirectory(outputDirectory);
        string reportPath = Path.Combine(outputDirectory, $"CrmDb.{Safe(database)}.DeployReport.xml");
        string markdownPath = Path.ChangeExtension(reportPath, ".md");
        string scriptPath = Path.Combine(outputDirectory, $"CrmDb.{Safe(database)}.publish.sql");

        // Report first: a DBA can read what was about to happen even if the deployment stops.
        string report = services.GenerateDeployReport(package, database, options);
        File.WriteAllText(reportPath, report);
        var facts = new ScriptHeaderFacts(ScriptPurpose.AgainstDatabase, database, Path.GetFileName(scriptPath), package.Version.ToString(), ReportFileName: Path.GetFileName(markdownPath));
        WriteMarkdownReport(markdownPath, report, dacpacPath, facts);
        PublishResult result = services.Publish(package, database, new PublishOptions
        {
            DeployOptions = options,
            GenerateDeploymentScript = true,
            GenerateDeploymentReport = false,
        });
        DeploymentScript.Write(scriptPath, result.DatabaseScript ?? string.Empty);
        return new DeploymentOutput(scriptPath, reportPath, Deployed: true, markdownPath);
    }

    /// <summary>Scripts the deployment against a live database, without deploying.</summary>
    public string ScriptAgainstDatabase(string dacpacPath, string connectionString, DacDeployOptions options)
    {
        string database = Connection.DatabaseName(connectionString);
        using var package = DacPackage.Load(dacpacPath);
        var services = new DacServices(connectionString);
        services.Message += (_, e) => log.WriteLine(e.Message.ToString());
        options.CommentOutSetVarDeclarations = true;
        return services.GenerateDeployScript(package, database, options);
    }

    /// <summary>Scripts the deployment against another package (an empty database, an older version).</summary>
    public static (string Script, string Report) ScriptAgainstPackage(
        string dacpacPath, string targetDacpacPath, string targetDatabaseName, DacDeployOptions options)
    {
        using var package = DacPackage.Load(dacpacPath);
        using var target = DacPackage.Load(targetDacpacPath);
        options.CommentOutSetVarDeclarations = true;
        string script = DacServices.GenerateDeployScript(package, target, targetDatabaseName, options);
        string report = DacServices.GenerateDeployReport(package, target, targetDatabaseName, options);
        return (script, report);
    }

    /// <summary>Offline: the script and report against an empty SQL Server 2017 database.</summary>
    public static (string Script, string Report) ScriptAgainstEmptyDatabase(string dacpacPath, DacDeployOptions options, string databaseName)
    {
        string work = Path.Combine(Path.GetTempPath(), "crmdb-" + Guid.NewGuid().ToString("N"));
        try
        {
            return ScriptAgainstPackage(dacpacPath, OfflineTarget.EmptyDatabase(work), databaseName, options);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>
    /// Offline: the script and report for the first install onto <paramref name="databaseName"/>,
    /// written to <paramref name="outputDirectory"/>: the script (UTF-8 with BOM, header, :setvar
    /// commented out), DacFx's XML report and its Markdown reading.
    /// </summary>
    public DeploymentOutput ScriptForEmptyDatabase(string dacpacPath, DacDeployOptions options, string outputDirectory, string databaseName)
    {
        Directory.CreateDirectory(outputDirectory);
        var (script, report) = ScriptAgainstEmptyDatabase(dacpacPath, options, databaseName);
        string scriptPath = Path.Combine(outputDirectory, $"CrmDb.{Safe(databaseName)}.publish.sql");
        string reportPath = Path.Combine(outputDirectory, $"CrmDb.{Safe(databaseName)}.DeployReport.xml");
        string markdownPath = Path.ChangeExtension(reportPath, ".md");
        var facts = new ScriptHeaderFacts(ScriptPurpose.FirstInstall, databaseName, Path.GetFileName(scriptPath), PackageVersion(dacpacPath), ReportFileName: Path.GetFileName(markdownPath));
        DeploymentScript.Write(scriptPath, DeploymentScript.WithHeader(script, facts));
        File.WriteAllText(reportPath, report);
        WriteMarkdownReport(markdownPath, report, dacpacPath, facts);
        log.WriteLine(Text["OfflineWritten", scriptPath, reportPath, markdownPath]);
        return new DeploymentOutput(scriptPath, reportPath, Deployed: false, markdownPath);
    }

    /// <summary>The version stamped in a package (DacVersion).</summary>
    public static string PackageVersion(string dacpacPath)
    {
        using var package = DacPackage.Load(dacpacPath);
        return package.Version.ToString();
    }

    private static void WriteMarkdownReport(string path, string reportXml, string dacpacPath, ScriptHeaderFacts facts) =>
        File.WriteAllText(path, DeployReportMarkdown.Render(DeployReport.Parse(reportXml), PackageAssembly.Read(dacpacPath), facts), DeploymentScript.FileEncoding);

    private static string Safe(string name) => string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c));
}
