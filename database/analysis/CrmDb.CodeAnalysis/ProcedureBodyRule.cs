using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>
/// A rule that reads the T-SQL body of each procedure. Procedures only: a trigger runs inside
/// the transaction of the statement that fired it. A CLR procedure has no body and is skipped.
/// </summary>
public abstract class ProcedureBodyRule : SqlCodeAnalysisRule
{
    /// <summary>Analyses procedures.</summary>
    protected ProcedureBodyRule()
    {
        SupportedElementTypes = [Procedure.TypeClass];
    }

    /// <inheritdoc />
    public sealed override IList<SqlRuleProblem> Analyze(SqlRuleExecutionContext ruleExecutionContext)
    {
        TSqlObject element = ruleExecutionContext.ModelElement;
        ProcedureStatementBody? procedure = Fragments.Procedure(ruleExecutionContext.ScriptFragment);
        if (procedure?.StatementList is null)
        {
            return [];
        }

        return AnalyzeBody(element, Fragments.DisplayName(element), procedure).ToList();
    }

    /// <summary>The problems of <paramref name="procedure"/>, the body of <paramref name="element"/> (<paramref name="display"/>: schema.name).</summary>
    protected abstract IEnumerable<SqlRuleProblem> AnalyzeBody(TSqlObject element, string display, ProcedureStatementBody procedure);
}
