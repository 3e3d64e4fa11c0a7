using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>
/// CRMDB04: every BEGIN TRANSACTION of a procedure is committed or rolled back on every path
/// that the rule can follow (see <see cref="TransactionPaths"/> for what it follows and what it
/// does not; docs/testing.md says the same for readers of the build output).
/// </summary>
[ExportCodeAnalysisRule(RuleIds.TransactionClosedOnEveryPath, "No transaction left open",
    Description = "Every BEGIN TRANSACTION is committed or rolled back on every path through IF, WHILE, TRY/CATCH, RETURN and THROW.",
    Category = RuleIds.Namespace,
    RuleScope = SqlRuleScope.Element)]
public sealed class TransactionClosedOnEveryPathRule : ProcedureBodyRule
{
    /// <inheritdoc />
    protected override IEnumerable<SqlRuleProblem> AnalyzeBody(TSqlObject element, string display, ProcedureStatementBody procedure) =>
        TransactionPaths.Find(procedure)
            .Select(finding => new SqlRuleProblem($"{display}: {finding.Message}", element, finding.Fragment));
}
