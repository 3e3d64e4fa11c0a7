using CrmDb.Clr.Autosync;
using CrmDb.Runner.Autosync;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Autosync;

/// <summary>The hook crmdb autosync new writes: it parses, it conforms, it uses MC_execsql as declared.</summary>
public sealed class HookScaffoldTests
{
    private static readonly DateTime Day = new(2025, 3, 14);

    [Fact]
    public void The_scaffold_parses_and_creates_the_named_procedure_with_the_four_parameters()
    {
        var fragment = SqlParsing.Parse(HookScaffold.Build("0301", "specif_repli", Day));
        var procedure = SqlParsing.All<CreateProcedureStatement>(fragment).Single();

        Assert.Equal("dbo", procedure.ProcedureReference.Name.SchemaIdentifier.Value);
        Assert.Equal("AUTOSYNC_0301_specif_repli", procedure.ProcedureReference.Name.BaseIdentifier.Value);
        Assert.Equal(
            ["@ErpIntegrationID int", "@ErpSyncStatus nvarchar(10)", "@GesComBaseInt nvarchar(300)", "@tokenAccount int"],
            procedure.Parameters.Select(p => p.VariableName.Value + " " + TypeText(p.DataType)));
    }

    [Fact]
    public void The_scaffold_conforms_to_the_contract_and_gets_every_value_without_conversion()
    {
        var procedure = SqlParsing.All<CreateProcedureStatement>(SqlParsing.Parse(HookScaffold.Build("0301", "specif_repli", Day))).Single();
        var parameters = procedure.Parameters.Select(p => ToHookParameter(p)).ToList();

        var plan = HookBindingPlan.Create(parameters, new HookValues(1, "success", "[SRV].[BASE]", 10));

        Assert.True(plan.IsConforming, plan.Reason);
        Assert.Equal(4, plan.Bindings.Count);
        Assert.All(plan.Bindings, b => Assert.False(b.Converts));
        Assert.True(HookName.TryParse(procedure.ProcedureReference.Name.BaseIdentifier.Value, out _, out string reason), reason);
    }

    [Fact]
    public void The_scaffold_calls_MC_execsql_with_parameters_it_declares_and_a_statement_it_can_plan()
    {
        var scaffold = SqlParsing.Parse(HookScaffold.Build("0301", "specif_repli", Day));
        var executor = SqlParsing.All<CreateProcedureStatement>(SqlParsing.Parse(File.ReadAllText(Repository.PathOf("database", "dbo", "StoredProcedures", "MC_execsql.sql")))).Single();
        var declared = executor.Parameters.Select(p => p.VariableName.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var call = SqlParsing.All<ExecuteStatement>(scaffold)
            .Select(e => (ExecutableProcedureReference)e.ExecuteSpecification.ExecutableEntity)
            .Single(e => e.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value == "MC_execsql");
        var named = call.Parameters.ToDictionary(p => p.Variable.Name, p => p.ParameterValue, StringComparer.OrdinalIgnoreCase);

        Assert.All(named.Keys, name => Assert.Contains(name, declared));
        string statement = ((StringLiteral)named["@Statement"]).Value;
        string parameters = ((StringLiteral)named["@Parameters"]).Value;
        Assert.Null(ExecSqlBinding.Plan(parameters).Error);
        Assert.Equal(1, CrmDb.Clr.TokenExpander.CountTokens(statement));
        string expanded = CrmDb.Clr.TokenExpander.Expand(statement, CrmDb.Clr.GesComLocation.Create("GESCOM01", "BIJOU", null));
        Assert.Contains("[GESCOM01].[BIJOU].dbo.F_COMPTET", expanded, StringComparison.Ordinal);
        SqlParsing.Parse("DECLARE " + parameters + ";\n" + expanded);
    }

    [Fact]
    public void The_scaffold_handles_errors_and_grants_the_roles_the_runner_needs()
    {
        string text = HookScaffold.Build("0301", "specif_repli", Day);
        var fragment = SqlParsing.Parse(text);

        Assert.Single(SqlParsing.All<TryCatchStatement>(fragment));
        Assert.Single(SqlParsing.All<ThrowStatement>(fragment));
        var grants = SqlParsing.All<GrantStatement>(fragment).ToList();
        // MC_support never executes a hook directly: traces run it through signed procedures.
        Assert.Equal(["MC_integrator"], grants.Select(g => g.Principals.Single().Identifier.Value));
        Assert.DoesNotContain("MC_support]", text, StringComparison.Ordinal);
        Assert.Contains("Version 1.0.0, 2025-03-14", text, StringComparison.Ordinal);
        Assert.Contains("SET XACT_ABORT ON;", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("03a1", "x", "NewOrderInvalid")]
    [InlineData("", "x", "NewOrderInvalid")]
    [InlineData("0301", "", "NewLabelInvalid")]
    [InlineData("0301", "a-b", "NewLabelInvalid")]
    [InlineData("0301", "a'b", "NewLabelInvalid")]
    [InlineData("0301", "x]", "NewLabelInvalid")]
    [InlineData("0301", "ok", null)]
    public void Order_and_label_are_checked(string order, string label, string? problem)
    {
        Assert.Equal(problem, HookScaffold.Problem(order, label));
    }

    [Fact]
    public void A_name_longer_than_SQL_Server_allows_is_refused()
    {
        Assert.Equal("NewNameTooLong", HookScaffold.Problem("1", new string('a', 118)));
        Assert.Null(HookScaffold.Problem("1", new string('a', 117)));
        Assert.Throws<ArgumentException>(() => HookScaffold.Build("1", new string('a', 118), Day));
    }

    private static HookParameter ToHookParameter(ProcedureParameter parameter)
    {
        var type = (SqlDataTypeReference)parameter.DataType;
        string name = type.SqlDataTypeOption.ToString().ToLowerInvariant();
        int length = type.Parameters.Count == 0 ? 4 : int.Parse(type.Parameters[0].Value, System.Globalization.CultureInfo.InvariantCulture);
        int maxLength = name.StartsWith('n') ? length * 2 : length;
        return new HookParameter(parameter.VariableName.Value, name, name, maxLength, 0, 0, false, false, parameter.Value is not null);
    }

    private static string TypeText(DataTypeReference type)
    {
        var sql = (SqlDataTypeReference)type;
        string name = sql.SqlDataTypeOption.ToString().ToLowerInvariant();
        return sql.Parameters.Count == 0 ? name : name + "(" + string.Join(", ", sql.Parameters.Select(p => p.Value)) + ")";
    }

    [Fact]
    public void The_curative_scaffold_grants_execute_to_integrators_only_and_parses()
    {
        string text = HookScaffold.BuildCurative("cleanUrl", Day);
        var fragment = SqlParsing.Parse(text);

        var grant = Assert.Single(SqlParsing.All<GrantStatement>(fragment));
        Assert.Equal("MC_integrator", grant.Principals.Single().Identifier.Value);
        Assert.Contains("GRANT EXECUTE ON OBJECT::dbo.MC_apply_param_cleanUrl TO [MC_integrator];", text, StringComparison.Ordinal);
        Assert.DoesNotContain("EXECUTE AS", text, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentException>(() => HookScaffold.BuildCurative("clean-url", Day));
    }
}
