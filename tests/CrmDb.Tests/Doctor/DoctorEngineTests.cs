using System.Text.Json;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Doctor;

/// <summary>crmdb doctor and dbo.MC_doctor on a real SQL Server (CRMDB_TEST_CONNECTION; skipped otherwise).</summary>
public sealed class DoctorEngineTests
{
    [EngineFact]
    public void Crmdb_doctor_and_MC_doctor_give_the_same_findings_on_the_same_server()
    {
        using var database = CrmDbDeployment.Deploy();

        var cli = CliRunner.Run("doctor", "--connection", database.ConnectionString, "--crm-login", "sa", "--format", "json", "--fail-on", "1");
        var fromCli = Ids(JsonDocument.Parse(cli.Out).RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => f.GetProperty("id").GetString() + " " + f.GetProperty("scope").GetString() + " " + f.GetProperty("cannotCheck").GetBoolean()));

        var fromProcedure = new List<string>();
        int returned;
        using (var connection = new SqlConnection(database.ConnectionString))
        {
            connection.Open();
            using var command = new SqlCommand("dbo.MC_doctor", connection) { CommandType = System.Data.CommandType.StoredProcedure, CommandTimeout = 600 };
            command.Parameters.AddWithValue("@CrmLogin", "sa");
            command.Parameters.AddWithValue("@FailOn", 1);
            var result = command.Parameters.Add("@return", System.Data.SqlDbType.Int);
            result.Direction = System.Data.ParameterDirection.ReturnValue;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    fromProcedure.Add(reader.GetString(reader.GetOrdinal("CheckId")) + " " + reader.GetString(reader.GetOrdinal("Scope")) + " " + reader.GetBoolean(reader.GetOrdinal("CannotCheck")));
                }
            }

            returned = (int)result.Value;
        }

        // A freshly published database has never been backed up: the doctor must say so.
        Assert.Contains(fromCli, f => f.StartsWith("DOC-209 database:" + database.Name, StringComparison.Ordinal));
        Assert.Equal(fromCli, Ids(fromProcedure));
        Assert.Equal(cli.ExitCode, returned);
        Assert.DoesNotContain(fromCli, f => f.StartsWith("DOC-305", StringComparison.Ordinal));
    }

    private static List<string> Ids(IEnumerable<string?> findings) => findings.Select(f => f!).Order(StringComparer.Ordinal).ToList();
}
