using CrmDb.Clr;
using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>
/// The generated SQL validated by DacFx against the reference Account and the GesCom fixture
/// (issue 5, item 2).
/// How the GesCom tables are resolved: tests/fixtures/ReplicationModel is a SQL project built by
/// DacFx's SqlBuildTask that references SageCrm.dacpac as part of the same database and
/// GesCom.dacpac (the fixture) as the external database whose literal name is GesCom, the way a
/// Visual Studio or Microsoft.Build.Sql database reference works. Loading ReplicationModel.dacpac
/// loads both references from beside it, so three-part names [GesCom].dbo.F_COMPTET resolve to
/// the fixture's tables and dbo.Account to the reference model's, with no text rewritten; a
/// statement built for the database GesCom is validated exactly as generated.
/// </summary>
public sealed class ReplicationModelValidationTests
{
    private static string ModelDacpac =>
        Repository.PathOf("tests", "fixtures", "ReplicationModel", "bin", Repository.Configuration, "ReplicationModel.dacpac");

    [Fact]
    public void The_statement_with_a_column_a_subquery_and_a_function_validates()
    {
        string statement = ReplicationStatementBuilder.Build(Local, AllKinds);

        var (messages, references) = Validate(Procedure(statement), TemplateFunction());

        Assert.True(messages.Count == 0, string.Join("\n", messages) + "\n---\n" + statement);
        // The validation really resolved the GesCom names against the fixture.
        Assert.Contains("[GesCom].[dbo].[F_COMPTET]", references);
        Assert.Contains("[GesCom].[dbo].[F_COMPTET].[CT_NumPayeur]", references);
        Assert.Contains("[GesCom].[dbo].[F_COMPTETG].[CG_Num]", references);
        Assert.Contains("[dbo].[Account].[acc_erp_account_id]", references);
        Assert.Contains("[dbo].[FCT_condpaiement]", references);
    }

    [Theory]
    [InlineData("[CT_NumInconnu]", "CT_NumInconnu")]
    [InlineData("(SELECT TOP (1) T.CG_Inconnu FROM #F_COMPTETG# AS T WHERE T.CT_Num = G.CT_Num)", "CG_Inconnu")]
    [InlineData("(SELECT TOP (1) R_Intitule FROM #P_REGLEMENTX# AS P)", "P_REGLEMENTX")]
    [InlineData("dbo.FCT_absente(CT_Num)", "FCT_absente")]
    public void An_invalid_field_expression_is_caught_by_the_validation(string expression, string culprit)
    {
        var bad = new ReplicationField("REPLI_acc_numprinc_repli", "acc_numprinc_repli", "nvarchar(13)", expression);
        string statement = ReplicationStatementBuilder.Build(Local, [ReplicationSamples.Column, bad]);

        var (messages, _) = Validate(Procedure(statement), TemplateFunction());

        Assert.NotEmpty(messages);
        Assert.Contains(messages, m => m.Contains(culprit, StringComparison.Ordinal));
        // Only the bad field is reported: the good one resolves.
        Assert.DoesNotContain(messages, m => m.Contains("CT_NumPayeur", StringComparison.Ordinal));
    }

    [Fact]
    public void A_check_text_validates_like_the_statement()
    {
        string good = ReplicationStatementBuilder.BuildCheck(Local, "[CT_NumPayeur]", "nvarchar(17)");
        string bad = ReplicationStatementBuilder.BuildCheck(Local, "[CT_NumInconnu]", "nvarchar(17)");

        Assert.Empty(Validate(View("ReplicationCheckGood", good)).Messages);
        Assert.Contains(Validate(View("ReplicationCheckBad", bad)).Messages, m => m.Contains("CT_NumInconnu", StringComparison.Ordinal));
    }

    [Fact]
    public void The_payment_terms_template_validates_against_the_fixture_once_its_tokens_are_expanded()
    {
        var (messages, references) = Validate(TemplateFunction());

        Assert.True(messages.Count == 0, string.Join("\n", messages));
        Assert.Contains("[GesCom].[dbo].[F_REGLEMENTT].[RT_NbJour]", references);
        Assert.Contains("[GesCom].[dbo].[P_REGLEMENT].[R_Intitule]", references);
    }

    /// <summary>The statement as the body of a procedure with sp_executesql's parameters.</summary>
    internal static string Procedure(string statement) =>
        "CREATE PROCEDURE dbo.ReplicationStatementUnderTest " + ReplicationStatementBuilder.ParameterDefinitions
        + "\nAS\nBEGIN\n" + statement + "\nEND;";

    private static string View(string name, string select) =>
        "CREATE VIEW dbo." + name + "\nAS\n" + select.TrimEnd(';');

    /// <summary>database/templates/FCT_condpaiement.sql with its tokens expanded for [GesCom], as a plain CREATE.</summary>
    internal static string TemplateFunction()
    {
        string template = File.ReadAllText(Repository.PathOf("database", "templates", "FCT_condpaiement.sql"));
        string expanded = TokenExpander.Expand(template, Local);
        // The model holds definitions: CREATE OR ALTER is how crmdb run deploys it, CREATE how a model declares it.
        var script = (TSqlScript)SqlParsing.Parse(expanded);
        var function = Assert.IsType<CreateOrAlterFunctionStatement>(Assert.Single(Assert.Single(script.Batches).Statements));
        return "CREATE" + expanded.Substring(function.StartOffset + "CREATE OR ALTER".Length, function.FragmentLength - "CREATE OR ALTER".Length);
    }

    /// <summary>
    /// Loads ReplicationModel.dacpac with its references, adds <paramref name="scripts"/> and
    /// validates: every message, and the name of every object the added objects reference.
    /// </summary>
    private static (List<string> Messages, HashSet<string> References) Validate(params string[] scripts)
    {
        Assert.True(File.Exists(ModelDacpac), ModelDacpac + " is missing: build the solution first (dotnet build CrmDb.sln).");
        using var model = TSqlModel.LoadFromDacpac(ModelDacpac, new ModelLoadOptions(DacSchemaModelStorageType.Memory, loadAsScriptBackedModel: true));
        for (int i = 0; i < scripts.Length; i++)
        {
            model.AddOrUpdateObjects(scripts[i], "under-test-" + i + ".sql", new TSqlObjectOptions());
        }

        var messages = model.Validate().Select(m => m.ToString()).ToList();
        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (var added in model.GetObjects(DacQueryScopes.UserDefined, Microsoft.SqlServer.Dac.Model.Procedure.TypeClass, ScalarFunction.TypeClass, Microsoft.SqlServer.Dac.Model.View.TypeClass))
        {
            // External references (the GesCom database) are relationship instances of their own scope.
            foreach (var referenced in added.GetReferencedRelationshipInstances(DacExternalQueryScopes.All))
            {
                references.Add(referenced.ObjectName.ToString());
            }
        }

        return (messages, references);
    }
}
