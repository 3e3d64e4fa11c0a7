using CrmDb.Clr.Deployment.Prerequisites;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Deployment;

/// <summary>One finding: blocking ones stop the deployment before anything changes.</summary>
public sealed record PrerequisiteFinding(bool Blocking, string Message);

/// <summary>
/// The checks a DBA would make before deploying CrmDb, made for them. The facts and the
/// decision table live in CrmDb.Clr.Deployment (<see cref="PrerequisiteTable"/>), because the
/// post-deployment script's guard is generated from the very same rows at build time; this
/// class reads the facts from a connection and words the findings in the user's language.
/// A blocking finding stops the deployment before the schema changes, rather than failing
/// halfway in the post-deployment script.
/// </summary>
public static class Prerequisites
{
    private static readonly Localizer Text = new("Deployment");

    /// <summary>SQL that reads <see cref="PrerequisiteFacts"/>; @ClrName and @ClrHash name the package's assembly.</summary>
    public const string Query = PrerequisiteFactsSql.Query;

    /// <summary>Reads the facts from the database of <paramref name="connectionString"/>.</summary>
    public static PrerequisiteFacts Read(string connectionString, byte[] assemblyHash, string assemblyName = "CrmDb.Clr")
    {
        using var connection = new SqlConnection(connectionString);
        connection.Open();
        using var command = new SqlCommand(Query, connection);
        command.Parameters.Add("@ClrName", System.Data.SqlDbType.NVarChar, 128).Value = assemblyName;
        command.Parameters.Add("@ClrHash", System.Data.SqlDbType.VarBinary, 64).Value = assemblyHash;
        using var reader = command.ExecuteReader();
        reader.Read();
        string? Str(string column) => reader[column] is string value ? value : null;
        int? Number(string column) => reader[column] is int value ? value : null;
        bool? Flag(string column) => reader[column] is bool value ? value : null;
        return new PrerequisiteFacts
        {
            ProductVersion = Str("ProductVersion") ?? string.Empty,
            MajorVersion = Number("MajorVersion") ?? 0,
            ServerName = Str("ServerName") ?? connection.DataSource,
            DatabaseIdentifier = Str("DatabaseIdentifier") ?? string.Empty,
            LoginIdentifier = Str("LoginIdentifier") ?? string.Empty,
            CompatibilityLevel = Number("CompatibilityLevel"),
            OwnerValid = Flag("OwnerValid"),
            ClrEnabled = Flag("ClrEnabled") ?? false,
            ClrStrictSecurity = Flag("ClrStrictSecurity") ?? false,
            RecoveryModel = Str("RecoveryModel"),
            Collation = Str("Collation"),
            Trustworthy = Flag("Trustworthy"),
            AssemblyInDatabase = Flag("AssemblyInDatabase"),
            InstalledAssemblyVersion = Str("InstalledAssemblyVersion"),
            AssemblyHashTrusted = Flag("AssemblyHashTrusted"),
            TrustViewPermission = Str("TrustViewPermission") ?? "VIEW SERVER STATE",
            CanTrustAssemblies = Flag("CanTrustAssemblies") ?? false,
            IsSysadmin = Flag("IsSysadmin") ?? false,
        };
    }

    /// <summary>Judges the facts with the decision table, in the user's language.</summary>
    public static IReadOnlyList<PrerequisiteFinding> Evaluate(PrerequisiteFacts facts) =>
        PrerequisiteTable.Evaluate(facts)
            .Select(result => new PrerequisiteFinding(
                result.Blocking,
                Text[result.MessageKey, [.. result.Arguments.Select(a => a ?? Text["PrereqNone"])]]))
            .Distinct()
            .ToList();
}
