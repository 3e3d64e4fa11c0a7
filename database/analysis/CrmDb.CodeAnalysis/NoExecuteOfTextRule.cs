using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>
/// CRMDB02: EXEC(@text) / EXECUTE(@text) runs text that was put together by concatenation, with
/// nowhere to pass values as parameters. The house style sends dynamic SQL through
/// sp_executesql with parameters only, so the rule reports every EXEC of a string or variable
/// (INSERT ... EXEC(@text) and EXEC(@text) AT server included).
/// </summary>
[ExportCodeAnalysisRule(RuleIds.NoExecuteOfText, "Dynamic SQL only through sp_executesql",
    Description = "EXEC(@text) / EXECUTE(@text) is not allowed: run dynamic SQL through sp_executesql with parameters.",
    Category = RuleIds.Namespace,
    RuleScope = SqlRuleScope.Element)]
public sealed class NoExecuteOfTextRule : SqlCodeAnalysisRule
{
    /// <summary>Code that can hold an EXEC: procedures and triggers.</summary>
    public NoExecuteOfTextRule()
    {
        SupportedElementTypes = [Procedure.TypeClass, DmlTrigger.TypeClass, DatabaseDdlTrigger.TypeClass];
    }

    /// <inheritdoc />
    public override IList<SqlRuleProblem> Analyze(SqlRuleExecutionContext ruleExecutionContext)
    {
        TSqlObject element = ruleExecutionContext.ModelElement;
        string display = Fragments.DisplayName(element);
        return Fragments.All<ExecuteSpecification>(ruleExecutionContext.ScriptFragment)
            .Where(execute => execute.ExecutableEntity is ExecutableStringList)
            .Select(execute => new SqlRuleProblem(
                $"{display}: EXEC(...) runs text built by concatenation. Run dynamic SQL with EXEC sys.sp_executesql @stmt, @params, @value = ... so that values travel as parameters (names through QUOTENAME).",
                element, execute))
            .ToList();
    }
}
