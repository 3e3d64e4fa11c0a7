using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Deployment;

/// <summary>What crmdb reads from the target before deploying (crmdb publish) or testing (crmdb test).</summary>
public sealed record ServerFacts(
    int MajorVersion,
    string ProductVersion,
    bool ClrEnabled,
    bool ClrStrictSecurity,
    string RecoveryModel,
    bool AssemblyHashTrusted,
    bool CanTrustAssemblies,
    bool IsSysadmin = false,
    string ServerName = "");

/// <summary>One finding: blocking ones stop the deployment before anything changes.</summary>
public sealed record PrerequisiteFinding(bool Blocking, string Message);

/// <summary>
/// The checks a DBA would make before deploying CrmDb, made for them: engine version, CLR
/// settings, recovery model, and whether the assembly's hash can be trusted. A blocking finding
/// stops the deployment before the schema changes, rather than failing halfway in the
/// post-deployment script.
/// </summary>
public static class Prerequisites
{
    private static readonly Localizer Text = new("Deployment");

    /// <summary>SQL that reads <see cref="ServerFacts"/>; @hash is the assembly's SHA2_512.</summary>
    public const string Query = """
        SELECT
            CONVERT(int, SERVERPROPERTY('ProductMajorVersion')) AS MajorVersion,
            CONVERT(nvarchar(128), SERVERPROPERTY('ProductVersion')) AS ProductVersion,
            CONVERT(bit, ISNULL((SELECT value_in_use FROM sys.configurations WHERE name = N'clr enabled'), 0)) AS ClrEnabled,
            CONVERT(bit, ISNULL((SELECT value_in_use FROM sys.configurations WHERE name = N'clr strict security'), 0)) AS ClrStrictSecurity,
            (SELECT recovery_model_desc FROM sys.databases WHERE database_id = DB_ID()) AS RecoveryModel,
            CONVERT(bit, CASE WHEN EXISTS (SELECT 1 FROM sys.trusted_assemblies WHERE hash = @hash) THEN 1 ELSE 0 END) AS AssemblyHashTrusted,
            CONVERT(bit, ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, N'CONTROL SERVER'), 0)) AS CanTrustAssemblies,
            CONVERT(bit, ISNULL(IS_SRVROLEMEMBER(N'sysadmin'), 0)) AS IsSysadmin,
            @@SERVERNAME AS ServerName;
        """;

    /// <summary>Reads the facts from the database of <paramref name="connectionString"/>.</summary>
    public static ServerFacts Read(string connectionString, byte[] assemblyHash)
    {
        using var connection = new SqlConnection(connectionString);
        connection.Open();
        using var command = new SqlCommand(Query, connection);
        command.Parameters.Add("@hash", System.Data.SqlDbType.VarBinary, 64).Value = assemblyHash;
        using var reader = command.ExecuteReader();
        reader.Read();
        return new ServerFacts(
            reader.IsDBNull(0) ? 0 : reader.GetInt32(0),
            reader.IsDBNull(1) ? string.Empty : reader.GetString(1),
            reader.GetBoolean(2),
            reader.GetBoolean(3),
            reader.IsDBNull(4) ? string.Empty : reader.GetString(4),
            reader.GetBoolean(5),
            reader.GetBoolean(6),
            reader.GetBoolean(7),
            reader.IsDBNull(8) ? connection.DataSource : reader.GetString(8));
    }

    /// <summary>Judges the facts (docs/design.md decisions 9 and 10).</summary>
    public static IReadOnlyList<PrerequisiteFinding> Evaluate(ServerFacts facts)
    {
        var findings = new List<PrerequisiteFinding>();
        if (facts.MajorVersion < 14)
        {
            findings.Add(new PrerequisiteFinding(true, Text["PrereqVersion", facts.ProductVersion]));
        }

        if (!facts.AssemblyHashTrusted && !facts.CanTrustAssemblies)
        {
            findings.Add(new PrerequisiteFinding(true, Text["PrereqTrust"]));
        }

        if (!facts.ClrEnabled)
        {
            findings.Add(new PrerequisiteFinding(false, Text["PrereqClrDisabled"]));
        }

        if (!string.Equals(facts.RecoveryModel, "SIMPLE", StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new PrerequisiteFinding(false, Text["PrereqRecovery", facts.RecoveryModel]));
        }

        return findings;
    }
}
