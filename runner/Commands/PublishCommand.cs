using System.CommandLine;
using CrmDb.Runner.Backup;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Deployment;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb publish: deploys CrmDb.dacpac with DacFx. With no connection configured, writes the
/// script and report for an empty database under ./out and says how to deploy for real.
/// </summary>
public static class PublishCommand
{
    /// <summary>The database an offline script targets when --database is not given: the usual name of a Sage CRM database.</summary>
    public const string OfflineDatabaseName = "CRM";

    private static readonly Localizer Text = new("Deployment");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var connection = new ConnectionOptions();
        var package = new DeploymentInputs();

        // --output/-o named this folder before --output came to mean a file everywhere: kept one release.
        var output = new Option<string>("--output-dir")
        {
            Description = Text["OutputDirOption"],
            HelpName = "DIR",
            DefaultValueFactory = _ => "out",
        }.WithDeprecated("--output", "-o");

        var backupFirst = BackupFirst.CreateOption();
        var command = new Command("publish", Text["PublishDescription"]) { package.Profile, package.Variables, package.Dacpac, output, backupFirst };
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            // Every input is checked before anything is deployed or written.
            string? connectionString = connection.Find(parseResult, context);

            // Without a connection, --database names the target of the offline script and report.
            string? databaseName = parseResult.GetValue(connection.Database)?.Trim();
            if (databaseName is not null && (databaseName.Length > 128 || databaseName.Any(char.IsControl)))
            {
                throw new UsageException(Text["DatabaseInvalid", databaseName]);
            }

            var (packagePath, options) = package.Read(parseResult, context.Out);
            string outputDirectory = Path.GetFullPath(parseResult.GetValue(output)!);
            var deployer = new Deployer(context.Out);
            if (connectionString is null)
            {
                deployer.ScriptForEmptyDatabase(packagePath, options, outputDirectory, databaseName ?? OfflineDatabaseName);
                context.Out.WriteLine(Text["HowToDeploy", Cli.Connection.EnvironmentVariable]);
                return ExitCodes.Success;
            }

            Cli.Connection.Probe(connectionString);
            byte[]? assemblyHash = PackageClrHash.Read(packagePath);
            var facts = Prerequisites.Read(connectionString, assemblyHash ?? []);
            var findings = Prerequisites.Evaluate(assemblyHash is null ? facts with { AssemblyHashTrusted = true } : facts);
            foreach (var finding in findings)
            {
                (finding.Blocking ? context.Error : context.Out).WriteLine(finding.Message);
            }

            if (findings.Any(f => f.Blocking))
            {
                context.Error.WriteLine(Text["PrereqBlocked"]);
                return ExitCodes.ProcessingErrors;
            }

            // --backup-first: a COPY_ONLY pair before anything changes; if it fails, nothing is deployed.
            var first = BackupFirst.Take(parseResult.GetValue(backupFirst), context, connectionString, integration: null);
            if (first.ExitCode != ExitCodes.Success)
            {
                return first.ExitCode;
            }

            try
            {
                var result = deployer.Publish(packagePath, connectionString, options, outputDirectory);
                context.Out.WriteLine(Text["Published", Cli.Connection.DatabaseName(connectionString), result.ScriptPath, result.ReportPath]);
                return ExitCodes.Success;
            }
            catch (DacServicesException ex)
            {
                context.Error.WriteLine(Text["PublishFailed", ex.Message]);
                foreach (var message in ex.Messages)
                {
                    context.Error.WriteLine("  " + message);
                }

                return ExitCodes.ProcessingErrors;
            }
        });
        return command;
    }
}
