using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>
/// What can be checked of dbo.MC_replicate without an engine (the tSQLt class
/// ReplicationTests checks its behaviour): the agreed signature, the escaped LIKE, one
/// parameterised sp_executesql of the CLR-built statement, the savepoint pattern, messages
/// through MC_print.
/// </summary>
public sealed class ReplicateProcedureTests
{
    private static readonly Lazy<CreateProcedureStatement> Procedure = new(() =>
    {
        string sql = File.ReadAllText(Repository.PathOf("database", "dbo", "StoredProcedures", "MC_replicate.sql"));
        return Assert.IsType<CreateProcedureStatement>(Assert.Single(ParseBatch(sql).Statements));
    });

    [Fact]
    public void The_signature_is_the_one_agreed_with_MC_runautosync()
    {
        var parameters = Procedure.Value.Parameters;

        Assert.Equal(
            ["@ErpIntegrationID int = NULL", "@tokenAccount int = NULL", "@Trace bit = 0", "@RowsChanged int = NULL OUTPUT", "@NewToken int = NULL OUTPUT", "@Help bit = 0"],
            parameters.Select(Describe));
    }

    [Fact]
    public void Parameters_are_selected_with_the_escaped_LIKE_pattern()
    {
        var like = Assert.Single(SqlParsing.All<LikePredicate>(Procedure.Value));

        Assert.Equal(["P", "Parm_Name"], Parts((ColumnReferenceExpression)like.FirstExpression));
        Assert.Equal(ReplicationParameter.LikePattern, Assert.IsType<StringLiteral>(like.SecondExpression).Value);
    }

    [Fact]
    public void The_statement_runs_once_through_sp_executesql_with_the_token_as_a_parameter()
    {
        var executions = SqlParsing.All<ExecuteStatement>(Procedure.Value)
            .Select(e => e.ExecuteSpecification.ExecutableEntity)
            .ToList();

        // No EXEC (@text): dynamic SQL only through sp_executesql.
        Assert.DoesNotContain(executions, e => e is ExecutableStringList);
        var call = Assert.Single(executions.OfType<ExecutableProcedureReference>(),
            e => e.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value == "sp_executesql");
        var arguments = call.Parameters;
        Assert.Equal(5, arguments.Count);
        Assert.Equal("@Statement", Assert.IsType<VariableReference>(arguments[0].ParameterValue).Name);
        Assert.Equal(ReplicationStatementBuilder.ParameterDefinitions, Assert.IsType<StringLiteral>(arguments[1].ParameterValue).Value);
        Assert.Equal("@TokenFrom", Assert.IsType<VariableReference>(arguments[2].ParameterValue).Name);
        Assert.Equal(("@Changed", true), (((VariableReference)arguments[3].ParameterValue).Name, arguments[3].IsOutput));
        Assert.Equal(("@HighestRead", true), (((VariableReference)arguments[4].ParameterValue).Name, arguments[4].IsOutput));

        // The statement is the CLR's text, and no value is ever written into it.
        var assigned = AssignmentsTo("@Statement");
        var source = Assert.IsType<FunctionCall>(Assert.Single(assigned));
        Assert.Equal("MC_replistatement", source.FunctionName.Value);
        Assert.DoesNotContain(SqlParsing.All<VariableReference>(source), v => v.Name is "@TokenFrom" or "@tokenAccount");
    }

    [Fact]
    public void Each_expression_is_checked_with_describe_first_result_set_without_raising()
    {
        var describes = SqlParsing.All<SchemaObjectFunctionTableReference>(Procedure.Value)
            .Where(f => f.SchemaObject.BaseIdentifier.Value == "dm_exec_describe_first_result_set")
            .ToList();

        // The source table first, then each field.
        Assert.Equal(2, describes.Count);
        Assert.All(describes, d => Assert.Equal("@Check", Assert.IsType<VariableReference>(d.Parameters[0]).Name));
        var checks = AssignmentsTo("@Check").Cast<FunctionCall>().Select(f => f.FunctionName.Value).ToList();
        Assert.Equal(["MC_replicheck", "MC_replicheck"], checks);
    }

    [Fact]
    public void It_commits_only_its_own_transaction_and_rolls_back_only_its_savepoint_in_the_caller_s()
    {
        var commits = SqlParsing.All<CommitTransactionStatement>(Procedure.Value);
        var rollbacks = SqlParsing.All<RollbackTransactionStatement>(Procedure.Value);
        var ifs = SqlParsing.All<IfStatement>(Procedure.Value);

        var commit = Assert.Single(commits);
        Assert.Equal("@TranCount = 0", Condition(ifs.Single(i => i.ThenStatement == commit)));
        Assert.Equal(2, rollbacks.Count);
        var own = rollbacks.Single(r => r.Name is null);
        var savepoint = rollbacks.Single(r => r.Name is not null);
        Assert.Equal("MC_replicate", savepoint.Name.Identifier.Value);
        Assert.Equal("@TranCount = 0 AND XACT_STATE() <> 0", Condition(ifs.Single(i => i.ThenStatement == own)));
        Assert.Equal("@TranCount > 0 AND XACT_STATE() = 1", Condition(ifs.Single(i => i.ThenStatement == savepoint)));
        Assert.Equal("MC_replicate", Assert.Single(SqlParsing.All<SaveTransactionStatement>(Procedure.Value)).Name.Identifier.Value);
        // The error goes back to the caller.
        Assert.Contains(SqlParsing.All<ThrowStatement>(Procedure.Value), t => t.ErrorNumber is null);
    }

    [Fact]
    public void Messages_go_through_MC_print_only()
    {
        Assert.Empty(SqlParsing.All<PrintStatement>(Procedure.Value));
        Assert.Empty(SqlParsing.All<RaiseErrorStatement>(Procedure.Value));
        Assert.Contains(SqlParsing.All<ExecuteStatement>(Procedure.Value), e =>
            e.ExecuteSpecification.ExecutableEntity is ExecutableProcedureReference p
            && p.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value == "MC_print");
    }

    private static List<ScalarExpression> AssignmentsTo(string variable)
    {
        var sets = SqlParsing.All<SetVariableStatement>(Procedure.Value).Where(s => s.Variable.Name == variable).Select(s => s.Expression);
        var declares = SqlParsing.All<DeclareVariableElement>(Procedure.Value).Where(d => d.VariableName.Value == variable && d.Value is not null).Select(d => d.Value);
        return sets.Concat(declares).ToList();
    }

    private static string Condition(IfStatement statement) =>
        Text(statement.Predicate);

    private static string Describe(ProcedureParameter parameter)
    {
        string text = parameter.VariableName.Value + " " + Text(parameter.DataType);
        if (parameter.Value is not null)
        {
            text += " = " + Text(parameter.Value);
        }

        return parameter.Modifier == ParameterModifier.Output ? text + " OUTPUT" : text;
    }

    private static string Text(TSqlFragment fragment) =>
        string.Concat(Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1)
            .Select(i => fragment.ScriptTokenStream[i].Text));
}
