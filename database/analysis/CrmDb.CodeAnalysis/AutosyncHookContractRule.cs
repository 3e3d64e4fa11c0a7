using CrmDb.Clr.Autosync;
using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>
/// CRMDB01: a procedure named AUTOSYNC_... is a hook that the runner calls at the end of every
/// synchronisation cycle, so it must follow the hook contract (docs/autosync.md). The rule
/// holds no contract of its own: it hands the name to <see cref="HookName"/> and the declared
/// parameters to <see cref="HookBindingPlan"/>, the very code dbo.MC_runautosync runs through
/// the CLR assembly, so that a hook passes the build exactly when the runner would run it.
/// Messages are the runner's own (French), which the integrator also sees in the run.
/// </summary>
[ExportCodeAnalysisRule(RuleIds.AutosyncHookContract, "AUTOSYNC_ hooks follow the hook contract",
    Description = "An AUTOSYNC_ procedure is named AUTOSYNC_<digits>_<letters, digits, _> and declares only the contract parameters with a type the runner converts to (docs/autosync.md), or parameters with a default.",
    Category = RuleIds.Namespace,
    RuleScope = SqlRuleScope.Element)]
public sealed class AutosyncHookContractRule : SqlCodeAnalysisRule
{
    /// <summary>Procedures are the only hooks.</summary>
    public AutosyncHookContractRule()
    {
        SupportedElementTypes = [Procedure.TypeClass];
    }

    /// <inheritdoc />
    public override IList<SqlRuleProblem> Analyze(SqlRuleExecutionContext ruleExecutionContext)
    {
        var problems = new List<SqlRuleProblem>();
        TSqlObject element = ruleExecutionContext.ModelElement;
        string name = Fragments.ObjectName(element);
        // The runner finds hooks with a case-insensitive prefix (French_CI_AS), so the rule does too.
        if (!name.StartsWith(HookContract.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return problems;
        }

        ProcedureStatementBody? procedure = Fragments.Procedure(ruleExecutionContext.ScriptFragment);
        string display = Fragments.DisplayName(element);
        if (!HookName.TryParse(name, out _, out string reason))
        {
            problems.Add(new SqlRuleProblem(
                $"{display} : {reason} Le runner le signale et ne l'exécute jamais.",
                element, (TSqlFragment?)procedure?.ProcedureReference ?? procedure));
        }

        foreach (ProcedureParameter parameter in procedure?.Parameters ?? [])
        {
            HookBindingPlan plan = HookBindingPlan.Create([HookParameters.From(parameter)], HookValues.None);
            foreach (string problem in plan.Problems)
            {
                problems.Add(new SqlRuleProblem($"{display} : {problem}", element, parameter));
            }
        }

        return problems;
    }
}
