using CrmDb.Clr.Autosync;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Autosync;

/// <summary>
/// What the T-SQL side must agree on with the C# side, and the house rules the procedures must
/// follow, read from their text with ScriptDom.
/// </summary>
public sealed class AutosyncSqlTests
{
    private static string Source(string name) => File.ReadAllText(Repository.PathOf("database", "dbo", "StoredProcedures", name + ".sql"));

    [Fact]
    public void The_runner_declares_the_statement_parameters_the_binding_plan_writes_for()
    {
        Assert.Contains("N'" + HookContract.StatementParameters + "'", Source("MC_runautosyncstep"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_executor_declares_the_wrapper_parameters_the_plan_writes_for()
    {
        Assert.Contains("N'" + ExecSqlBinding.WrapperParameters + "'", Source("MC_execsql"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MC_runautosync")]
    [InlineData("MC_execsql")]
    [InlineData("MC_traceautosync")]
    [InlineData("MC_listautosync")]
    [InlineData("MC_purgeautosync")]
    public void Every_AUTOSYNC_procedure_has_help_and_runs_dynamic_SQL_only_through_sp_executesql(string procedure)
    {
        var fragment = SqlParsing.Parse(Source(procedure));
        var visitor = new Visitor();

        fragment.Accept(visitor);

        Assert.Contains("@Help", visitor.Parameters);
        Assert.Empty(visitor.ExecOfText);
        Assert.Contains("SET NOCOUNT ON", Source(procedure), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MC_runautosync")]
    [InlineData("MC_execsql")]
    [InlineData("MC_traceautosync")]
    [InlineData("MC_listautosync")]
    [InlineData("MC_purgeautosync")]
    [InlineData("MC_runautosyncstep")]
    public void Messages_go_through_MC_print_never_PRINT(string procedure)
    {
        var visitor = new Visitor();

        SqlParsing.Parse(Source(procedure)).Accept(visitor);

        Assert.Equal(0, visitor.Prints);
    }

    [Fact]
    public void The_runner_hands_each_step_to_one_procedure_that_gives_it_its_own_transaction()
    {
        string runner = Source("MC_runautosync");
        string step = Source("MC_runautosyncstep");

        Assert.Contains("EXEC dbo.MC_runautosyncstep", runner, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN TRANSACTION", runner, StringComparison.Ordinal);
        Assert.Contains("sys.sp_getapplock", runner, StringComparison.Ordinal);
        Assert.Contains("@LockOwner = N'Session', @LockTimeout = 0", runner, StringComparison.Ordinal);
        Assert.Contains("sys.sp_releaseapplock", runner, StringComparison.Ordinal);
        Assert.Contains("N'crmdb.integration'", runner, StringComparison.Ordinal);
        Assert.Contains("N'crmdb.trace'", runner, StringComparison.Ordinal);
        Assert.Contains("N'crmdb.runid'", runner, StringComparison.Ordinal);
        Assert.Contains("N'crmdb.stepid'", step, StringComparison.Ordinal);
        // The step's journal row is written by one INSERT with the step's column list.
        var inserts = SqlParsing.All<InsertStatement>(SqlParsing.Parse(runner))
            .Where(i => i.InsertSpecification.Target is NamedTableReference t && t.SchemaObject.BaseIdentifier.Value == "MC_AutosyncStep");
        Assert.Empty(inserts);
        // A hook that ends its transaction is detected by the count and by the transaction's id.
        Assert.Contains("CURRENT_TRANSACTION_ID()", step, StringComparison.Ordinal);
        Assert.Contains("@@TRANCOUNT", step, StringComparison.Ordinal);
    }

    [Fact]
    public void The_executor_reads_the_session_keys_the_runner_sets()
    {
        string executor = Source("MC_execsql");

        foreach (string key in new[] { "crmdb.integration", "crmdb.trace", "crmdb.runid", "crmdb.stepid" })
        {
            Assert.Contains("SESSION_CONTEXT(N'" + key + "')", executor, StringComparison.Ordinal);
        }
    }

    private sealed class Visitor : TSqlFragmentVisitor
    {
        public List<string> Parameters { get; } = [];

        public List<string> ExecOfText { get; } = [];

        public int Prints { get; private set; }

        public override void Visit(ProcedureParameter node) => Parameters.Add(node.VariableName.Value);

        // EXEC(@sql) / EXEC('...'): executable strings, never allowed.
        public override void Visit(ExecutableStringList node) => ExecOfText.Add(node.ToString() ?? "EXEC(...)");

        public override void Visit(PrintStatement node) => Prints++;
    }
}
