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
        var connection = CommonOptions.Connection();
        var package = new DeploymentInputs();

        var command = new Command("script", Text["ScriptDescription"]) { output, targetDacpac, connection, package.Profile, package.Variables, package.Dacpac };
        command.Validators.Add(result =>
        {
            if (result.GetResult(targetDacpac) is not null && result.GetResult(connection) is not null)
            {
                result.AddError(Text["TargetExclusive"]);
            }
        });
        command.SetHandler(context, parseResult =>
        {
            // Every input is checked before anything is compared or written.
            string? connectionString = Connection.Find(parseResult.GetValue(connection));
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
