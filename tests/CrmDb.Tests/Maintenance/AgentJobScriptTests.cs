using CrmDb.Runner.Maintenance;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Maintenance;

/// <summary>
/// The SQL Agent script of crmdb maintenance schedule --agent (issue 16, items 5 and 6): it parses,
/// and DacFx validates it against msdb's stubs (database/reference/Msdb, referenced by
/// tests/fixtures/AgentModel as the external database msdb), parameter names included, with the
/// three-part names exactly as generated.
/// </summary>
public sealed class AgentJobScriptTests
{
    private static string ModelDacpac =>
        Repository.PathOf("tests", "fixtures", "AgentModel", "bin", Repository.Configuration, "AgentModel.dacpac");

    [Fact]
    public void The_script_is_one_batch_that_parses()
    {
        string script = AgentJobScript.Build("CRM", @"DOM\svc-crmdb");

        var parsed = (TSqlScript)SqlParsing.Parse(script);

        Assert.Single(parsed.Batches);
        Assert.DoesNotContain("\nGO", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_script_validates_against_msdb_and_creates_one_job_per_slot()
    {
        string script = AgentJobScript.Build("CRM", @"DOM\svc-crmdb");

        var (messages, references) = Validate(script);

        Assert.True(messages.Count == 0, string.Join("\n", messages) + "\n---\n" + script);
        foreach (string procedure in new[] { "sp_add_job", "sp_add_jobstep", "sp_add_schedule", "sp_attach_schedule", "sp_add_jobserver", "sp_delete_job" })
        {
            Assert.Contains($"[msdb].[dbo].[{procedure}]", references);
        }

        var calls = SqlParsing.All<ExecuteStatement>(SqlParsing.Parse(script))
            .Select(e => ((ExecutableProcedureReference)e.ExecuteSpecification.ExecutableEntity).ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value)
            .ToList();
        Assert.Equal(MaintenanceSlot.All.Count, calls.Count(c => c == "sp_add_job"));
        Assert.Equal(MaintenanceSlot.All.Count, calls.Count(c => c == "sp_add_jobserver"));
        foreach (string slot in MaintenanceSlot.All)
        {
            Assert.Contains(AgentJobScript.JobName("CRM", slot), script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_validation_catches_a_misspelled_msdb_parameter()
    {
        // The check above could pass on a model that resolves nothing: this proves it reads parameter names.
        string script = AgentJobScript.Build("CRM", null).Replace("@freq_subday_interval", "@freq_subday_intervall", StringComparison.Ordinal);

        var (messages, _) = Validate(script);

        Assert.Contains(messages, m => m.Contains("freq_subday_intervall", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_with_quotes_stay_literals_and_the_step_fails_on_a_non_zero_return_code()
    {
        string script = AgentJobScript.Build("CRM d'Anjou", "DOM\\o'brien");

        Assert.True(Validate(script).Messages.Count == 0, script);
        Assert.Contains("@database_name = N'CRM d''Anjou'", script, StringComparison.Ordinal);
        Assert.Contains("@owner_login_name = N'DOM\\o''brien'", script, StringComparison.Ordinal);
        // A T-SQL job step fails only on an error: the step raises when MC_maintenance returns non-zero.
        SqlParsing.Parse(AgentJobScript.StepCommand(MaintenanceSlot.Nightly));
        Assert.Contains("IF @ReturnCode <> 0 RAISERROR(", AgentJobScript.StepCommand(MaintenanceSlot.Nightly), StringComparison.Ordinal);
    }

    [Fact]
    public void The_script_refuses_Express_which_has_no_SQL_Agent()
    {
        string script = AgentJobScript.Build("CRM", null);

        var guard = SqlParsing.All<IfStatement>(SqlParsing.Parse(script)).First();
        string condition = script.Substring(guard.Predicate.StartOffset, guard.Predicate.FragmentLength);
        Assert.Equal("CONVERT(int, SERVERPROPERTY('EngineEdition')) = 4", condition);
        Assert.Contains("crmdb maintenance schedule --windows", script, StringComparison.Ordinal);
    }

    [Theory]
    // slot -> sp_add_schedule's freq_type, freq_interval, freq_subday_type, freq_subday_interval, recurrence factor, start time
    [InlineData(MaintenanceSlot.Hourly, 4, 1, 8, 1, 0, "1500")]
    [InlineData(MaintenanceSlot.Nightly, 4, 1, 1, 0, 0, "10000")]
    [InlineData(MaintenanceSlot.Weekly, 8, 1, 1, 0, 1, "30000")]   // freq_interval 1 = Sunday
    [InlineData(MaintenanceSlot.Monthly, 16, 1, 1, 0, 1, "50000")]
    public void Each_slot_gets_its_documented_schedule(string slot, int type, int interval, int subdayType, int subdayInterval, int factor, string start)
    {
        Assert.Equal((type, interval, subdayType, subdayInterval, factor), AgentJobScript.Frequency(MaintenanceSchedule.Of(slot)));
        string script = AgentJobScript.Build("CRM", null, [MaintenanceSchedule.Of(slot)]);
        Assert.Contains($"@active_start_time = {start};", script, StringComparison.Ordinal);
    }

    private static (List<string> Messages, HashSet<string> References) Validate(string script)
    {
        Assert.True(File.Exists(ModelDacpac), ModelDacpac + " is missing: build the solution first (dotnet build CrmDb.sln).");
        using var model = TSqlModel.LoadFromDacpac(ModelDacpac, new ModelLoadOptions(DacSchemaModelStorageType.Memory, loadAsScriptBackedModel: true));
        model.AddOrUpdateObjects("CREATE PROCEDURE dbo.AgentScriptUnderTest\nAS\nBEGIN\n" + script + "\nEND;", "agent-script.sql", new TSqlObjectOptions());
        var messages = model.Validate().Select(m => m.ToString()).ToList();
        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (var added in model.GetObjects(DacQueryScopes.UserDefined, Procedure.TypeClass))
        {
            foreach (var referenced in added.GetReferencedRelationshipInstances(DacExternalQueryScopes.All))
            {
                references.Add(referenced.ObjectName.ToString());
            }
        }

        return (messages, references);
    }
}
