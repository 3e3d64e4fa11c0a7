using System.Data;
using CrmDb.Clr.Doctor;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Doctor;

/// <summary>Runs the fact batch over SqlClient and returns the facts, as dbo.MC_doctor would pass them to dbo.MC_doctorfindings.</summary>
public static class DoctorFactReader
{
    /// <summary>The version of CrmDb.Clr this crmdb deploys (the DACPAC's), compared with the database's.</summary>
    public static string PackageAssemblyVersion => typeof(DoctorRules).Assembly.GetName().Version?.ToString() ?? string.Empty;

    /// <summary>Reads the facts; <paramref name="integration"/> and <paramref name="crmLogin"/> as MC_doctor's parameters.</summary>
    public static async Task<DoctorFacts> ReadAsync(string connectionString, int? integration, string? crmLogin, CancellationToken cancellationToken)
    {
        var facts = new DoctorFacts();
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(DoctorFactBatch.Text(), connection) { CommandTimeout = 600 };
        command.Parameters.Add("@ErpIntegrationID", SqlDbType.Int).Value = (object?)integration ?? DBNull.Value;
        command.Parameters.Add("@CrmLogin", SqlDbType.NVarChar, 128).Value = (object?)crmLogin ?? DBNull.Value;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            if (reader.FieldCount == 4 && reader.GetName(0) == "Scope")
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    facts.Add(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
                }
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

        facts.Add("crm", "PackageAssemblyVersion", PackageAssemblyVersion);
        return facts;
    }

    /// <summary>The first <paramref name="limit"/> rows of an anomaly's list query: column names, then values as text.</summary>
    public static async Task<(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows)> FirstRowsAsync(
        string connectionString, string query, int limit, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The query comes from the fact batch (names quoted with QUOTENAME); it only reads.
        await using var command = new SqlCommand("SELECT TOP (@limit) * FROM (" + query.TrimEnd().TrimEnd(';') + ") AS q;", connection) { CommandTimeout = 600 };
        command.Parameters.Add("@limit", SqlDbType.Int).Value = limit;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new List<string>();
        for (int i = 0; i < reader.FieldCount; i++)
        {
            columns.Add(reader.GetName(i));
        }

        var rows = new List<string?[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new string?[reader.FieldCount];
            for (int i = 0; i < reader.FieldCount; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return (columns, rows);
    }
}
