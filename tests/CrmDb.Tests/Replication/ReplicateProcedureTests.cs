using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>
/// What can be checked of dbo.MC_replicate without an engine (the tSQLt class
/// ReplicationTests checks its behaviour): the agreed signature, the escaped LIKE, the
/// parameterised sp_executesql of the CLR-built statements (GesCom read before the transaction
/// opens), no savepoint, errors that never doom a committable caller's transaction, messages
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
            ["@ErpIntegrationID int = NULL", "@tokenAccount int = NULL", "@Trace bit = 0", "@Rollback bit = 0", "@RowsChanged int = NULL OUTPUT", "@NewToken int = NULL OUTPUT", "@Help bit = 0"],
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
    public void The_statements_run_through_sp_executesql_with_the_token_as_a_parameter_and_GesCom_is_read_before_the_transaction()
    {
        var executions = SqlParsing.All<ExecuteStatement>(Procedure.Value)
            .Select(e => e.ExecuteSpecification.ExecutableEntity)
            .ToList();

        // No EXEC (@text): dynamic SQL only through sp_executesql.
        Assert.DoesNotContain(executions, e => e is ExecutableStringList);
        var calls = executions.OfType<ExecutableProcedureReference>()
            .Where(e => e.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value == "sp_executesql")
            .ToList();
        Assert.Equal(["@MetadataRead", "@Columns", "@Read", "@Write"], calls.Select(c => ((VariableReference)c.Parameters[0].ParameterValue).Name));
        var metadata = calls[0].Parameters;
        Assert.Equal(ReplicationCatalog.GesComReadParameterDefinitions, Assert.IsType<StringLiteral>(metadata[1].ParameterValue).Value);
        Assert.Equal("@Tables", Assert.IsType<VariableReference>(metadata[2].ParameterValue).Name);
        Assert.Equal(("@GesComMetadata", true), (((VariableReference)metadata[3].ParameterValue).Name, metadata[3].IsOutput));
        var read = calls[2].Parameters;
        Assert.Equal(ReplicationStatementBuilder.ReadParameterDefinitions, Assert.IsType<StringLiteral>(read[1].ParameterValue).Value);
        Assert.Equal("@ReadFrom", Assert.IsType<VariableReference>(read[2].ParameterValue).Name);
        Assert.Equal(("@HighestRead", true), (((VariableReference)read[3].ParameterValue).Name, read[3].IsOutput));
        var write = calls[3].Parameters;
        Assert.Equal(ReplicationStatementBuilder.WriteParameterDefinitions, Assert.IsType<StringLiteral>(write[1].ParameterValue).Value);
        Assert.Equal(("@Changed", true), (((VariableReference)write[2].ParameterValue).Name, write[2].IsOutput));

        // The remote reads (GesCom's catalog, then its rows) come before the only BEGIN TRANSACTION, the local write after it.
        var begin = Assert.Single(SqlParsing.All<BeginTransactionStatement>(Procedure.Value));
        Assert.True(calls[0].StartOffset < calls[2].StartOffset && calls[2].StartOffset < begin.StartOffset && begin.StartOffset < calls[3].StartOffset);
        var metadataSource = Assert.IsType<FunctionCall>(Assert.Single(AssignmentsTo("@MetadataRead")));
        Assert.Equal("MC_replimetadataread", metadataSource.FunctionName.Value);

        // The statements are the CLR's text, one part each, and no value is ever written into them.
        foreach (var (variable, part) in new[] { ("@Columns", "columns"), ("@Read", "read"), ("@Write", "write") })
        {
            var source = Assert.IsType<FunctionCall>(Assert.Single(AssignmentsTo(variable)));
            Assert.Equal("MC_replistatement", source.FunctionName.Value);
            Assert.Equal(part, Assert.IsType<StringLiteral>(source.Parameters[3]).Value);
            Assert.DoesNotContain(SqlParsing.All<VariableReference>(source), v => v.Name is "@TokenFrom" or "@tokenAccount" or "@ReadFrom");
        }

        // The tables the statements fill are the ones the builder expects.
        var tables = SqlParsing.All<CreateTableStatement>(Procedure.Value).Select(t => t.SchemaObjectName.BaseIdentifier.Value).ToList();
        Assert.Equal([ReplicationStatementBuilder.SourceTable, ReplicationStatementBuilder.WatermarkTable], tables);
        string text = File.ReadAllText(Repository.PathOf("database", "dbo", "StoredProcedures", "MC_replicate.sql"));
        Assert.Contains(ReplicationStatementBuilder.SourceTableDefinition, text, StringComparison.Ordinal);
        Assert.Contains(ReplicationStatementBuilder.WatermarkTableDefinition, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_expression_is_compiled_through_MC_replidescribe_only_when_its_fingerprint_changed()
    {
        // No describe of its own: every compilation goes through dbo.MC_replidescribe (counted by the tSQLt tests).
        Assert.DoesNotContain(SqlParsing.All<SchemaObjectFunctionTableReference>(Procedure.Value),
            f => f.SchemaObject.BaseIdentifier.Value == "dm_exec_describe_first_result_set");
        var describes = SqlParsing.All<ExecuteStatement>(Procedure.Value)
            .Select(e => e.ExecuteSpecification.ExecutableEntity)
            .OfType<ExecutableProcedureReference>()
            .Where(p => p.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value == "MC_replidescribe")
            .ToList();
        // F_COMPTET inside a caller's transaction, F_COMPTET missing from GesCom's catalog, a field whose fingerprint changed, a field isolated.
        Assert.Equal(4, describes.Count);
        Assert.All(describes, d => Assert.Equal("@Check", Assert.IsType<VariableReference>(d.Parameters[0].ParameterValue).Name));
        Assert.All(AssignmentsTo("@Check"), c => Assert.Equal("MC_replicheck", Assert.IsType<FunctionCall>(c).FunctionName.Value));

        // The field's compilation sits under IF @MustCompile = 1, which compares the fingerprints.
        var ifs = SqlParsing.All<IfStatement>(Procedure.Value);
        var gated = ifs.Single(i => Condition(i) == "@MustCompile = 1");
        Assert.Single(SqlParsing.All<ExecuteStatement>(gated.ThenStatement));
        var fingerprints = Assert.IsType<FunctionCall>(Assert.Single(AssignmentsTo("@Fingerprints")));
        Assert.Equal("MC_replifingerprints", fingerprints.FunctionName.Value);
        // The fingerprints are computed after GesCom's metadata is read, and before any transaction.
        var begin = Assert.Single(SqlParsing.All<BeginTransactionStatement>(Procedure.Value));
        Assert.True(fingerprints.StartOffset < begin.StartOffset && gated.StartOffset < begin.StartOffset);

        string describe = File.ReadAllText(Repository.PathOf("database", "dbo", "StoredProcedures", "MC_replidescribe.sql"));
        var procedure = Assert.IsType<CreateProcedureStatement>(Assert.Single(ParseBatch(describe).Statements));
        var dmf = Assert.Single(SqlParsing.All<SchemaObjectFunctionTableReference>(procedure));
        Assert.Equal("dm_exec_describe_first_result_set", dmf.SchemaObject.BaseIdentifier.Value);
        Assert.Equal("@Check", Assert.IsType<VariableReference>(dmf.Parameters[0]).Name);
    }

    [Fact]
    public void The_checks_are_kept_in_MC_ReplicationFieldCheck_with_the_watermarks_and_never_under_a_savepoint()
    {
        var merges = SqlParsing.All<MergeStatement>(Procedure.Value)
            .Where(m => ((NamedTableReference)m.MergeSpecification.Target).SchemaObject.BaseIdentifier.Value == "MC_ReplicationFieldCheck")
            .ToList();

        // One in the write's transaction, one after the isolated attempts (outside a simulation).
        Assert.Equal(2, merges.Count);
        var begin = Assert.Single(SqlParsing.All<BeginTransactionStatement>(Procedure.Value));
        var commit = Assert.Single(SqlParsing.All<CommitTransactionStatement>(Procedure.Value));
        Assert.True(begin.StartOffset < merges[0].StartOffset && merges[0].StartOffset < commit.StartOffset);
        Assert.Contains(SqlParsing.All<IfStatement>(Procedure.Value), i => Condition(i) == "@Rollback = 0" && i.ThenStatement == merges[1]);
    }

    [Fact]
    public void It_ends_only_its_own_transaction_takes_no_savepoint_and_never_dooms_a_committable_caller_transaction()
    {
        var commits = SqlParsing.All<CommitTransactionStatement>(Procedure.Value);
        var rollbacks = SqlParsing.All<RollbackTransactionStatement>(Procedure.Value);
        var ifs = SqlParsing.All<IfStatement>(Procedure.Value);

        Assert.Empty(SqlParsing.All<SaveTransactionStatement>(Procedure.Value));
        Assert.All(rollbacks, r => Assert.Null(r.Name));
        Assert.Single(commits);
        Assert.Equal(2, rollbacks.Count);
        // Both ends of its own transaction sit under IF @TranCount = 0 (the simulation rolls back).
        var own = ifs.Single(i => i.ThenStatement is BeginEndBlockStatement block
            && block.StatementList.Statements.OfType<IfStatement>().Any(inner => inner.ElseStatement == commits[0]));
        Assert.Equal("@TranCount = 0", Condition(own));
        Assert.Equal("@TranCount = 0 AND XACT_STATE() <> 0", Condition(ifs.Single(i => i.ThenStatement == rollbacks[1])));
        // In a caller's transaction that is still committable the error is raised with RAISERROR
        // (THROW would doom it under XACT_ABORT); elsewhere the original error is thrown again.
        var guarded = ifs.Single(i => Condition(i) == "@TranCount > 0 AND XACT_STATE() = 1");
        Assert.Single(SqlParsing.All<RaiseErrorStatement>(guarded.ThenStatement));
        Assert.Contains(SqlParsing.All<ThrowStatement>(Procedure.Value), t => t.ErrorNumber is null);
        Assert.DoesNotContain(SqlParsing.All<ThrowStatement>(Procedure.Value), t => t.ErrorNumber is not null);
    }

    [Fact]
    public void A_failed_combined_statement_is_retried_field_by_field_only_in_a_transaction_of_its_own()
    {
        var ifs = SqlParsing.All<IfStatement>(Procedure.Value);
        var sets = SqlParsing.All<SetVariableStatement>(Procedure.Value);
        var isolate = Assert.Single(sets, s => s.Variable.Name == "@Isolated");
        var fieldFailures = sets.Where(s => s.Variable.Name == "@FieldsFailed").ToList();

        // Isolation starts from the CATCH of the combined attempt, only when the transaction was ours
        // (rolled back whole, nothing kept) and more than one field ran: in a caller's transaction
        // XACT_ABORT has doomed it and no savepoint is taken, so the error stays the caller's.
        var start = ifs.Single(i => i.ThenStatement.StartOffset <= isolate.StartOffset && isolate.StartOffset < i.ThenStatement.StartOffset + i.ThenStatement.FragmentLength
            && Condition(i).Contains("@Isolated = 0", StringComparison.Ordinal));
        Assert.Equal("@TranCount = 0 AND @Isolated = 0 AND @FieldsApplied > 1", Condition(start));
        var tries = SqlParsing.All<TryCatchStatement>(Procedure.Value);
        Assert.Contains(tries, t => t.CatchStatements.StartOffset <= start.StartOffset && start.StartOffset < t.CatchStatements.StartOffset + t.CatchStatements.FragmentLength);
        // A field failing alone is counted where the transaction was ours too; a field that no longer
        // compiles alone is counted once isolated, before anything of it runs.
        Assert.Equal(2, fieldFailures.Count);
        Assert.Contains(ifs, i => Condition(i) == "@TranCount = 0 AND @Isolated = 1" && Within(i.ThenStatement, fieldFailures[1]));
        Assert.Contains(ifs, i => Condition(i) == "@Isolated = 1" && Within(i.ThenStatement, fieldFailures[0]));
    }

    [Fact]
    public void Messages_go_through_MC_print_only_and_errors_through_RAISERROR_with_the_text_as_an_argument()
    {
        Assert.Empty(SqlParsing.All<PrintStatement>(Procedure.Value));
        // RAISERROR only raises errors (severity 16), its text an argument of '%s'.
        Assert.All(SqlParsing.All<RaiseErrorStatement>(Procedure.Value), r =>
        {
            Assert.Equal("%s", Assert.IsType<StringLiteral>(r.FirstParameter).Value);
            Assert.Equal("16", Assert.IsType<IntegerLiteral>(r.SecondParameter).Value);
        });
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

    private static bool Within(TSqlFragment outer, TSqlFragment inner) =>
        outer.StartOffset <= inner.StartOffset && inner.StartOffset < outer.StartOffset + outer.FragmentLength;

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
