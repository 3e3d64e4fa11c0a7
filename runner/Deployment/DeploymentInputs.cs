using System.CommandLine;
using CrmDb.Runner.Cli;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Runner.Deployment;

/// <summary>
/// --profile, --variable and --dacpac, as crmdb publish and crmdb script take them: which
/// package to deploy and with which DacFx options.
/// </summary>
public sealed class DeploymentInputs
{
    private static readonly Localizer Text = new("Deployment");

    /// <summary>--profile FILE: the publish profile (default: the one shipped beside crmdb).</summary>
    public Option<string?> Profile { get; } = new("--profile") { Description = Text["ProfileOption"], HelpName = "FILE" };

    /// <summary>--variable NAME=VALUE: the deployment's SQLCMD variables.</summary>
    public Option<string[]> Variables { get; } = CommonOptions.Variables(Text["VariableOption"]);

    /// <summary>--dacpac FILE: the package (default: dacpac/CrmDb.dacpac beside crmdb).</summary>
    public Option<string?> Dacpac { get; } = new("--dacpac") { Description = Text["DacpacOption"], HelpName = "FILE" };

    /// <summary>The package's path and the deploy options; a usage error for a missing file or a malformed variable.</summary>
    public (string Package, DacDeployOptions Options) Read(ParseResult parseResult, TextWriter output)
    {
        string package = DacpacLocator.Locate(parseResult.GetValue(Dacpac));
        var options = DeployOptionsFactory.Create(
            parseResult.GetValue(Profile), CommonOptions.ParseVariables(parseResult.GetValue(Variables)), output);
        return (package, options);
    }
}
