using System.Data;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.SysParams;

/// <summary>
/// What crmdb asks the database about global parameters. The work is done by the database's own
/// objects (dbo.MC_getsysparam, dbo.MC_modules, dbo.MC_setsysparams); values travel as
/// parameters, never in the SQL text.
/// </summary>
public static class SysParamStore
{
    /// <summary>The live value of one parameter.</summary>
    internal const string GetValueSql = "SELECT dbo.MC_getsysparam(@name) AS Value;";

    /// <summary>The stored MC_modules text and the number the database reads from it.</summary>
    internal const string ModulesSql = "SELECT dbo.MC_getsysparam(N'MC_modules') AS Value, dbo.MC_modules() AS Flags;";

    /// <summary>Sets one parameter and runs its curative procedure.</summary>
    internal const string SetSql = "EXEC dbo.MC_setsysparams @name = @name, @value = @value;";

    /// <summary>The live value of <paramref name="name"/>, or null when the parameter is absent.</summary>
    public static async Task<string?> GetAsync(string connectionString, string name, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(GetValueSql, connection);
        command.Parameters.Add(Text("@name", name));
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is string text ? text : null;
    }

    /// <summary>MC_modules as stored (null: absent) and as the database reads it (null: absent or unreadable).</summary>
    public static async Task<(string? Stored, int? Flags)> ReadModulesAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(ModulesSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        string? stored = reader.IsDBNull(0) ? null : reader.GetString(0);
        int? flags = reader.IsDBNull(1) ? null : reader.GetInt32(1);
        return (stored, flags);
    }

    /// <summary>
    /// Runs dbo.MC_setsysparams, writing each message it prints to <paramref name="messages"/> and
    /// each error it raises to <paramref name="errors"/> as it arrives: with
    /// FireInfoMessageEventOnUserErrors "all events fire immediately"; without it "InfoMessage
    /// events are handled at the end of the procedure" (SqlConnection.FireInfoMessageEventOnUserErrors,
    /// learn.microsoft.com). Returns how many errors (class 11 to 16) the procedure raised (refused
    /// value, failed curative); an error of class 17 and above comes out as the SqlException it is.
    /// </summary>
    public static async Task<int> SetAsync(string connectionString, string name, string value, TextWriter messages, TextWriter errors, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(connectionString) { FireInfoMessageEventOnUserErrors = true };
        // A parameter named like a secret (CrmDb.Clr.SecretNames, the rule crmdb run masks by)
        // never has its value echoed: a message that repeats it shows ******** instead.
        bool secret = CrmDb.Clr.SecretNames.IsSecret(name) && value.Length > 0;
        var shown = new CrmDb.Runner.Testing.ServerOutput(messages, errors);
        int raised = 0;
        connection.InfoMessage += (_, e) =>
        {
            foreach (SqlError message in e.Errors)
            {
                if (message.Class > 10)
                {
                    raised++;
                }

                shown.Write(message.Class, secret ? message.Message.Replace(value, CrmDb.Clr.SecretNames.Mask, StringComparison.Ordinal) : message.Message);
            }
        };
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(SetSql, connection)
        {
            // A curative procedure may take long; Ctrl+C cancels, and XACT_ABORT rolls back.
            CommandTimeout = 0,
        };
        command.Parameters.Add(Text("@name", name));
        command.Parameters.Add(Text("@value", value));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return raised;
    }

    private static SqlParameter Text(string name, string value) =>
        new(name, SqlDbType.NVarChar, -1) { Value = value };
}
