using CrmDb.Runner.Cli;
using CrmDb.Runner.Maintenance;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Maintenance;

/// <summary>
/// dbo.MC_maintenance and crmdb maintenance on a real SQL Server (CRMDB_TEST_CONNECTION; skipped
/// with the reason otherwise): the post-deployment's rows, a dry run and a real run journaled,
/// the T-SQL decisions equal to the C# mirror's, and no right granted to the roles.
/// </summary>
public sealed class MaintenanceEngineTests
{
    private const string SageTable = "CREATE TABLE dbo.Custom_SysParams (Parm_ParmId int IDENTITY(1, 1) NOT NULL PRIMARY KEY, Parm_Name nvarchar(100) NULL, Parm_Value nvarchar(max) NULL, Parm_Component nvarchar(40) NULL, Parm_Deleted tinyint NULL, Parm_CreatedBy int NULL, Parm_CreatedDate datetime NULL, Parm_UpdatedBy int NULL, Parm_UpdatedDate datetime NULL, Parm_TimeStamp datetime NULL);";

    [EngineFact]
    public void The_publish_installs_the_guides_plan_and_a_second_publish_keeps_the_DBAs_edit()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        Assert.Equal(DefaultMaintenancePlan.Rows.Count, (int)database.Scalar("SELECT COUNT(*) FROM dbo.MC_MaintenancePlan;")!);
        Assert.Equal(false, database.Scalar("SELECT IsEnabled FROM dbo.MC_MaintenancePlan WHERE Task = 'SHRINK';"));

        database.Execute("UPDATE dbo.MC_MaintenancePlan SET IsEnabled = 1, Slot = 'weekly' WHERE Task = 'SHRINK'; DELETE dbo.MC_MaintenancePlan WHERE Task = 'STATISTICS';");
        CrmDbDeployment.Publish(database);

        Assert.Equal("weekly", database.Scalar("SELECT Slot FROM dbo.MC_MaintenancePlan WHERE Task = 'SHRINK' AND IsEnabled = 1;"));
        Assert.Equal(1, (int)database.Scalar("SELECT COUNT(*) FROM dbo.MC_MaintenancePlan WHERE Task = 'SHRINK';")!);
        // A deleted default row comes back (docs/maintenance.md: disable rather than delete).
        Assert.Equal(1, (int)database.Scalar("SELECT COUNT(*) FROM dbo.MC_MaintenancePlan WHERE Task = 'STATISTICS';")!);
    }

    [EngineFact]
    public void A_dry_run_of_each_slot_journals_every_row_and_decides_as_the_CSharp_table()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        var plan = MaintenanceStore.ReadPlanAsync(database.ConnectionString, CancellationToken.None).GetAwaiter().GetResult();
        var (facts, _) = MaintenanceStore.ReadFactsAsync(database.ConnectionString, CancellationToken.None).GetAwaiter().GetResult();
        int weekday = MaintenanceDecisions.IsoWeekday(DateTime.Now.DayOfWeek);

        foreach (string slot in MaintenanceSlot.All)
        {
            var result = CliRunner.Run("maintenance", "run", "--slot", slot, "--dry-run", "--databases", "CRM", "--connection", database.ConnectionString);
            Assert.True(result.ExitCode == ExitCodes.Success, slot + "\n" + result.Out + result.Error);
            Assert.Contains($"MC_maintenance 1.0.0 : créneau {slot} (non exécuté", result.Out, StringComparison.Ordinal);

            foreach (MaintenancePlanRow row in plan.Where(r => r.Slot == slot && r.Task != MaintenanceTask.Cleanup))
            {
                bool fullTonight = MaintenanceDecisions.FullTonight(weekday, MaintenanceSchedule.FullBackupWeekday, plan);
                MaintenanceDecision expected = MaintenanceDecisions.Decide(row, facts, fullTonight);
                string outcomes = Outcomes(database, slot, row.Task);
                switch (expected.Kind)
                {
                    case DecisionKind.Skip:
                        Assert.Equal("Skipped", outcomes);
                        break;
                    case DecisionKind.RunAsFull:
                        // Said as a skip of the differential, then the full through dbo.MC_backup.
                        Assert.StartsWith("Skipped", outcomes, StringComparison.Ordinal);
                        Assert.Contains("Pas de base valide pour une différentielle", result.Out, StringComparison.Ordinal);
                        break;
                    default:
                        Assert.DoesNotContain("Failed", outcomes, StringComparison.Ordinal);
                        Assert.NotEqual(string.Empty, outcomes);
                        break;
                }
            }
        }

        // Every journaled command parses, and CHECKDB is the C# text exactly.
        foreach (string command in Column(database, "SELECT Command FROM dbo.MC_MaintenanceLog WHERE Command IS NOT NULL;"))
        {
            SqlParsing.Parse(command);
        }

        Assert.Contains(MaintenanceCommandText.CheckDb(database.Name), Column(database, "SELECT Command FROM dbo.MC_MaintenanceLog WHERE Task = 'CHECKDB';"));
        Assert.Equal("SIMPLE", facts.RecoveryModel);
        Assert.Contains("Modèle de récupération SIMPLE", string.Join("\n", Column(database, "SELECT Message FROM dbo.MC_MaintenanceLog WHERE Task = 'BACKUP_LOG';")), StringComparison.Ordinal);
    }

    [EngineFact]
    public void A_real_weekly_run_checks_the_database_and_journals_the_outcome()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        var result = CliRunner.Run("maintenance", "run", "--slot", "weekly", "--databases", "CRM", "--connection", database.ConnectionString);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Out + result.Error);
        Assert.Equal("Succeeded", Outcomes(database, "weekly", MaintenanceTask.CheckDb));
        Assert.Equal(
            (int)database.Scalar("SELECT COUNT(*) FROM dbo.MC_MaintenanceLog;")!,
            (int)database.Scalar("SELECT COUNT(*) FROM dbo.MC_MaintenanceLog WHERE EndTime IS NOT NULL;")!);
    }

    [EngineFact]
    public void Bad_parameters_exit_2_with_every_problem_and_nothing_journaled()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        var result = CliRunner.Run("maintenance", "run", "--slot", "weekly", "--databases", "NoSuchDatabase_1, NoSuchDatabase_2", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("[NoSuchDatabase_1]", result.Out + result.Error, StringComparison.Ordinal);
        Assert.Contains("[NoSuchDatabase_2]", result.Out + result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (int)database.Scalar("SELECT COUNT(*) FROM dbo.MC_MaintenanceLog;")!);
    }

    [EngineFact]
    public void Neither_role_holds_any_right_on_the_maintenance_objects()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        object? rights = database.Scalar("""
            SELECT COUNT(*) FROM sys.database_permissions AS p
            WHERE p.major_id IN (OBJECT_ID(N'dbo.MC_maintenance'), OBJECT_ID(N'dbo.MC_maintenanceexecute'), OBJECT_ID(N'dbo.MC_MaintenancePlan'),
                                 OBJECT_ID(N'dbo.MC_MaintenanceLog'), OBJECT_ID(N'dbo.MC_backup'))
               OR (p.class = 3 AND p.major_id = SCHEMA_ID(N'dbo') AND USER_NAME(p.grantee_principal_id) IN (N'MC_integrator', N'MC_support'));
            """);
        Assert.Equal(0, (int)rights!);
        Assert.NotNull(database.Scalar("SELECT OBJECT_ID(N'dbo.MC_maintenance');"));
    }

    private static string Outcomes(ThrowawayDatabase database, string slot, string task) =>
        string.Join(",", Column(database, $"SELECT Outcome FROM dbo.MC_MaintenanceLog WHERE Slot = '{slot}' AND Task = '{task}' ORDER BY LogID;"));

    private static List<string> Column(ThrowawayDatabase database, string sql)
    {
        using var connection = new SqlConnection(database.ConnectionString);
        connection.Open();
        using var command = new SqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
