using CrmDb.Runner.Cli;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Runner.Deployment;

/// <summary>
/// Deployment options: the publish profile's, or safe defaults for an existing CRM database,
/// with the rules that protect Sage's objects applied last, whatever the profile says.
/// </summary>
public static class DeployOptionsFactory
{
    private static readonly Localizer Text = new("Deployment");

    /// <summary>Builds the options, loading <paramref name="profilePath"/> when given.</summary>
    public static DacDeployOptions Create(string? profilePath, IReadOnlyDictionary<string, string> variables, TextWriter log)
    {
        DacDeployOptions options;
        if (string.IsNullOrWhiteSpace(profilePath))
        {
            options = Defaults();
        }
        else
        {
            if (!File.Exists(profilePath))
            {
                throw new UsageException(Text["ProfileMissing", profilePath]);
            }

            try
            {
                options = DacProfile.Load(profilePath).DeployOptions;
            }
            catch (Exception ex) when (ex is DacServicesException or InvalidOperationException or System.Xml.XmlException)
            {
                throw new UsageException(Text["ProfileInvalid", profilePath, ex.Message]);
            }
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

    /// <summary>The defaults: those of database/CrmDb.publish.xml.</summary>
    public static DacDeployOptions Defaults() => new()
    {
        BlockOnPossibleDataLoss = true,
        DropObjectsNotInSource = false,
        IncludeCompositeObjects = false,
        CreateNewDatabase = false,
        ScriptDatabaseOptions = false,
        ScriptDatabaseCollation = false,
        IgnorePermissions = false,
        IgnoreRoleMembership = true,
        IgnoreUserSettingsObjects = true,
        DoNotDropObjectTypes = [ObjectType.Users, ObjectType.Logins, ObjectType.Permissions, ObjectType.RoleMembership],
        GenerateSmartDefaults = false,
        AllowIncompatiblePlatform = false,
        IncludeTransactionalScripts = true,
        VerifyDeployment = true,
    };
}
