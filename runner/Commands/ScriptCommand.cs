using System.CommandLine;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Deployment;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Runner.Commands;

/// <summary>crmdb script: the deployment script only, against a package, a database, or an empty database.</summary>
public static class ScriptCommand
{
    private static readonly Localizer Text = new("Deployment");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--output", "-o") { Description = Text["ScriptOutputOption"], HelpName = "FILE", Required = true };
        var targetDacpac = new Option<string?>("--target-dacpac") { Description = Text["TargetDacpacOption"], HelpName = "FILE" };
        var connection = new ConnectionOptions();
        var package = new DeploymentInputs();

        var command = new Command("script", Text["ScriptDescription"]) { output, targetDacpac, package.Profile, package.Variables, package.Dacpac };
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            // Every input is checked before anything is compared or written.
            bool connectionGiven = parseResult.GetResult(connection.ConnectionString) is not null || parseResult.GetResult(connection.Server) is not null;
            if (parseResult.GetResult(targetDacpac) is not null && connectionGiven)
            {
                throw new UsageException(Text["TargetExclusive"]);
            }

            string? connectionString = parseResult.GetResult(targetDacpac) is null ? connection.Find(parseResult, context) : null;
            var (packagePath, options) = package.Read(parseResult, context.Out);
            string outputPath = Path.GetFullPath(parseResult.GetValue(output)!);
            string? target = parseResult.GetValue(targetDacpac);
            try
            {
                string script;
                ScriptHeaderFacts facts;
                string scriptName = Path.GetFileName(outputPath);
                string version = Deployer.PackageVersion(packagePath);
                if (target is not null)
                {
                    if (!File.Exists(target))
                    {
                        throw new UsageException(Text["TargetDacpacMissing", target]);
                    }

                    script = Deployer.ScriptAgainstPackage(packagePath, target, PublishCommand.OfflineDatabaseName, options).Script;
                    facts = new ScriptHeaderFacts(ScriptPurpose.UpgradeFromPackage, PublishCommand.OfflineDatabaseName, scriptName, version, Path.GetFileName(target));
                }
                else if (connectionString is not null)
                {
                    // DacFx retries an unreachable server for minutes, whatever Connect Timeout says: probe first.
                    Cli.Connection.Probe(connectionString);
                    script = new Deployer(context.Out).ScriptAgainstDatabase(packagePath, connectionString, options);
                    facts = new ScriptHeaderFacts(ScriptPurpose.AgainstDatabase, Connection.DatabaseName(connectionString), scriptName, version);
                }
                else
                {
                    script = Deployer.ScriptAgainstEmptyDatabase(packagePath, options, PublishCommand.OfflineDatabaseName).Script;
                    facts = new ScriptHeaderFacts(ScriptPurpose.FirstInstall, PublishCommand.OfflineDatabaseName, scriptName, version);
                }

                Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
                DeploymentScript.Write(outputPath, DeploymentScript.WithHeader(script, facts));
                context.Out.WriteLine(Text["ScriptWritten", outputPath]);
                return ExitCodes.Success;
            }
            catch (DacServicesException ex)
            {
                context.Error.WriteLine(Text["PublishFailed", ex.Message]);
                return ExitCodes.ProcessingErrors;
            }
        });
        return command;
    }
}
