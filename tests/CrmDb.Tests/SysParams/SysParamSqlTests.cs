using CrmDb.Runner.SysParams;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.SysParams;

/// <summary>
/// The SQL that crmdb sends for global parameters parses, calls objects that the built
/// CrmDb.dacpac holds with parameters they declare, and the T-SQL side keeps the rules that no
/// engine is here to check.
/// </summary>
public sealed class SysParamSqlTests
{
    private static readonly TSqlModel Model;

    // DacFx fills its type classes (Procedure.TypeClass...) when a model is first loaded: load it
    // before any test reads them.
    static SysParamSqlTests()
    {
        Model = TSqlModel.LoadFromDacpac(Repository.CrmDbDacpac, new ModelLoadOptions(DacSchemaModelStorageType.Memory, loadAsScriptBackedModel: true));
    }

    public static TheoryData<string> RunnerSql() =>
    [
        SysParamStore.GetValueSql,
        SysParamStore.ModulesSql,
        SysParamStore.SetSql,
    ];

    [Theory]
    [MemberData(nameof(RunnerSql))]
    public void The_runner_sql_parses_and_carries_values_only_as_parameters(string sql)
    {
        TSqlFragment fragment = SqlParsing.Parse(sql);
        var literals = new StringLiteralCollector();
        fragment.Accept(literals);

        // The only literal is the fixed name MC_modules; names and values are @parameters.
        Assert.All(literals.Values, value => Assert.Equal("MC_modules", value));
    }

    [Fact]
    public void Sysparam_set_calls_MC_setsysparams_with_parameters_it_declares()
    {
        var execute = Assert.Single(Statements<ExecuteStatement>(SysParamStore.SetSql));
        var procedure = (ExecutableProcedureReference)execute.ExecuteSpecification.ExecutableEntity;
        string[] passed = procedure.Parameters.Select(p => p.Variable.Name).ToArray();

        Assert.Equal("MC_setsysparams", procedure.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value);
        Assert.Equal(["@name", "@value"], passed);
        Assert.Equal(["@name", "@value", "@Help"], ParametersOf(Procedure.TypeClass, "MC_setsysparams"));
    }

    [Fact]
    public void The_functions_the_runner_reads_exist_in_the_package()
    {
        Assert.Equal(["@name"], ParametersOf(ScalarFunction.TypeClass, "MC_getsysparam"));
        Assert.Empty(ParametersOf(ScalarFunction.TypeClass, "MC_modules"));
        Assert.Equal(["@flags"], ParametersOf(ScalarFunction.TypeClass, "MC_hasmodule"));
        Assert.Equal(["@value", "@previous_value"], ParametersOf(Procedure.TypeClass, "MC_apply_param_MC_modules"));
    }

    [Fact]
    public void MC_setsysparams_runs_with_its_callers_rights_and_is_signed_after_deployment()
    {
        // No EXECUTE AS (issue 14): a curative runs with the caller's rights; what the caller
        // lacks comes from the certificate the post-deployment script signs it with.
        var procedure = Assert.Single(Statements<CreateProcedureStatement>(ReadModelFile("dbo/StoredProcedures/MC_setsysparams.sql")));

        Assert.Empty(procedure.Options.OfType<ExecuteAsProcedureOption>());
        string signing = File.ReadAllText(Repository.PathOf("database", "Scripts", "Signing.sql"));
        Assert.Contains("(N'MC_SysParamsSigning', N'MC_setsysparams', 0)", signing, StringComparison.Ordinal);
    }

    [Fact]
    public void MC_setsysparams_finds_the_curative_with_an_explicit_case_insensitive_collation()
    {
        var procedure = Assert.Single(Statements<CreateProcedureStatement>(ReadModelFile("dbo/StoredProcedures/MC_setsysparams.sql")));
        var comparisons = new CollatedComparisonCollector();
        procedure.Accept(comparisons);

        // Both sides of the name comparison carry the same case-insensitive, accent- and
        // width-sensitive collation, whatever the database's own collation is.
        Assert.Contains(comparisons.Found, c =>
            c.Left == "Latin1_General_CI_AS_KS_WS" && c.Right == "Latin1_General_CI_AS_KS_WS" && c.Text.Contains("N'MC_apply_param_'", StringComparison.Ordinal));
    }

    [Fact]
    public void MC_setsysparams_runs_dynamic_sql_only_through_sp_executesql_and_quotes_the_procedure_name()
    {
        string sql = ReadModelFile("dbo/StoredProcedures/MC_setsysparams.sql");
        var executes = Statements<ExecuteStatement>(sql);

        Assert.NotEmpty(executes);
        Assert.All(executes, e =>
        {
            var entity = Assert.IsType<ExecutableProcedureReference>(e.ExecuteSpecification.ExecutableEntity);
            string name = entity.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value;
            Assert.True(name is "sp_executesql" or "MC_print", "EXEC of " + name);
        });
        Assert.Contains("QUOTENAME(@Procedure)", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void The_support_role_reads_but_cannot_set_parameters()
    {
        var grants = Statements<GrantStatement>(ReadModelFile("Security/Permissions.SysParams.sql"))
            .Select(g => (
                Object: g.SecurityTargetObject.ObjectName.MultiPartIdentifier.Identifiers[^1].Value,
                Role: g.Principals.Single().Identifier.Value,
                Permission: string.Join(' ', g.Permissions.Single().Identifiers.Select(i => i.Value)).ToUpperInvariant()))
            .ToList();

        Assert.Contains(("MC_setsysparams", "MC_integrator", "EXECUTE"), grants);
        Assert.DoesNotContain(grants, g => g.Object == "MC_setsysparams" && g.Role == "MC_support");
        // The roles read the audit through the view that masks secrets, never the table itself.
        Assert.Contains(("MC_SysParamAuditMasked", "MC_support", "SELECT"), grants);
        Assert.DoesNotContain(grants, g => g.Object == "MC_SysParamAudit");
        Assert.DoesNotContain(grants, g => g.Object == "MC_SysParamAuditMasked" && g.Permission != "SELECT");
    }

    [Fact]
    public void The_roles_get_EXECUTE_on_the_edition_function_after_the_post_deployment_creates_it()
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(Repository.CrmDbDacpac);
        string postDeploy = new StreamReader(archive.GetEntry("postdeploy.sql")!.Open()).ReadToEnd();

        int wrapper = postDeploy.IndexOf("CREATE FUNCTION [dbo].[MC_moduleedition]", StringComparison.Ordinal);
        int grant = postDeploy.IndexOf("GRANT EXECUTE ON OBJECT::dbo.MC_moduleedition TO [MC_support];", StringComparison.Ordinal);
        Assert.True(wrapper >= 0, "the wrapper is not created by the post-deployment script");
        Assert.True(grant > wrapper, "the grant does not follow the wrapper's creation");
        Assert.Contains("GRANT EXECUTE ON OBJECT::dbo.MC_moduleedition TO [MC_integrator];", postDeploy, StringComparison.Ordinal);
    }

    private static string ReadModelFile(string relative) => File.ReadAllText(Repository.PathOf(["database", .. relative.Split('/')]));

    private static List<T> Statements<T>(string sql)
        where T : TSqlFragment => SqlParsing.All<T>(SqlParsing.Parse(sql));

    private static string[] ParametersOf(ModelTypeClass type, string name)
    {
        TSqlObject? element = Model.GetObjects(DacQueryScopes.UserDefined, type)
            .SingleOrDefault(o => o.Name.Parts.SequenceEqual(["dbo", name]));
        Assert.True(element is not null, $"dbo.{name} is not in CrmDb.dacpac");
        ModelRelationshipClass parameters = type == Procedure.TypeClass ? Procedure.Parameters : ScalarFunction.Parameters;
        return element.GetReferenced(parameters).Select(p => p.Name.Parts[^1]).ToArray();
    }

    private sealed class StringLiteralCollector : TSqlFragmentVisitor
    {
        public List<string> Values { get; } = [];

        public override void Visit(StringLiteral node) => Values.Add(node.Value);
    }

    private sealed class CollatedComparisonCollector : TSqlFragmentVisitor
    {
        public List<(string? Left, string? Right, string Text)> Found { get; } = [];

        public override void Visit(BooleanComparisonExpression node) =>
            Found.Add((Collation(node.FirstExpression), Collation(node.SecondExpression), Text(node)));

        private static string? Collation(ScalarExpression expression) => expression switch
        {
            PrimaryExpression primary => primary.Collation?.Value,
            _ => null,
        };

        private static string Text(TSqlFragment fragment) =>
            string.Concat(Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1)
                .Select(i => fragment.ScriptTokenStream[i].Text));
    }
}
