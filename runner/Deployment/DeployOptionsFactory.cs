using CrmDb.Runner.Cli;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Runner.Deployment;

/// <summary>
/// Deployment options: those of the given publish profile, else of database/CrmDb.publish.xml
/// (shipped beside crmdb), with the rule that protects Sage's objects applied last, whatever
/// the profile says.
/// </summary>
public static class DeployOptionsFactory
{
    private static readonly Localizer Text = new("Deployment");

    /// <summary>Builds the options, loading <paramref name="profilePath"/> when given.</summary>
    public static DacDeployOptions Create(string? profilePath, IReadOnlyDictionary<string, string> variables, TextWriter log)
    {
        string path = string.IsNullOrWhiteSpace(profilePath) ? DefaultProfilePath : profilePath;
        if (!File.Exists(path))
        {
            throw new UsageException(Text["ProfileMissing", path]);
        }

        DacDeployOptions options;
        try
        {
            options = DacProfile.Load(path).DeployOptions;
        }
        catch (Exception ex) when (ex is DacServicesException or InvalidOperationException or System.Xml.XmlException)
        {
            throw new UsageException(Text["ProfileInvalid", path, ex.Message]);
        }

        foreach (var (name, value) in variables)
        {
            options.SqlCommandVariableValues[name] = value;
        }

        // Vendor objects live in the referenced SageCrm model: never deployed, never compared.
        if (options.IncludeCompositeObjects)
        {
            log.WriteLine(Text["CompositeForcedOff"]);
            options.IncludeCompositeObjects = false;
        }

        return options;
    }

    /// <summary>The profile shipped beside crmdb: a copy of database/CrmDb.publish.xml.</summary>
    public static string DefaultProfilePath => Path.Combine(AppContext.BaseDirectory, "dacpac", "CrmDb.publish.xml");
}
