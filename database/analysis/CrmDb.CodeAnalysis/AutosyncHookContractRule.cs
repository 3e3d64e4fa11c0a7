using System.Text.RegularExpressions;
using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>
/// CRMDB01: a procedure named AUTOSYNC_... is a hook that the runner calls at the end of every
/// synchronisation cycle, so it must follow the contract of docs/design.md decisions 1 and 2:
/// the name is AUTOSYNC_&lt;digits&gt;_&lt;label&gt;, and its parameters are among the ones the
/// runner binds by name, with a type the runner converts to, or else have a default.
/// </summary>
[ExportCodeAnalysisRule(RuleIds.AutosyncHookContract, "AUTOSYNC_ hooks follow the hook contract",
    Description = "An AUTOSYNC_ procedure is named AUTOSYNC_<digits>_<label> and declares only @ErpIntegrationID int, @ErpSyncStatus/@ErpSymsStatus nvarchar, @GesComBaseInt nvarchar, @tokenAccount int/bigint/nvarchar/varchar, or parameters with a default.",
    Category = RuleIds.Namespace,
    RuleScope = SqlRuleScope.Element)]
public sealed partial class AutosyncHookContractRule : SqlCodeAnalysisRule
{
    /// <summary>Status values the runner passes; a shorter nvarchar would cut "warning".</summary>
    private const int LongestStatus = 7;

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
        if (!name.StartsWith("AUTOSYNC_", StringComparison.OrdinalIgnoreCase))
        {
            return problems;
        }

        ProcedureStatementBody? procedure = Fragments.Procedure(ruleExecutionContext.ScriptFragment);
        string display = Fragments.DisplayName(element);
        if (!HookName().IsMatch(name))
        {
            problems.Add(new SqlRuleProblem(
                $"{display}: a hook is named AUTOSYNC_<order>_<label> with <order> made of digits (for example AUTOSYNC_0301_relances); the runner reports '{name}' and never runs it.",
                element, (TSqlFragment?)procedure?.ProcedureReference ?? procedure));
        }

        foreach (ProcedureParameter parameter in procedure?.Parameters ?? [])
        {
            string? problem = Check(parameter);
            if (problem is not null)
            {
                problems.Add(new SqlRuleProblem($"{display}: {problem}", element, parameter));
            }
        }

        return problems;
    }

    /// <summary>What is wrong with one parameter of a hook, or null.</summary>
    internal static string? Check(ProcedureParameter parameter)
    {
        string name = parameter.VariableName.Value;
        bool hasDefault = parameter.Value is not null;
        SqlDataTypeOption? type = (parameter.DataType as SqlDataTypeReference)?.SqlDataTypeOption;
        string typeText = TypeText(parameter.DataType);

        if (parameter.Modifier == ParameterModifier.Output && !hasDefault)
        {
            return $"{name} is an OUTPUT parameter without a default: the runner passes no OUTPUT parameter; give it a default or remove it.";
        }

        switch (name.ToUpperInvariant())
        {
            case "@ERPINTEGRATIONID":
                return type == SqlDataTypeOption.Int ? null
                    : $"{name} is declared {typeText}; the contract declares it int (the ErpIntegrationID of the integration record).";
            case "@ERPSYNCSTATUS":
            case "@ERPSYMSSTATUS":
                if (type != SqlDataTypeOption.NVarChar)
                {
                    return $"{name} is declared {typeText}; the contract declares it nvarchar, for example nvarchar(10) (success, fail or warning).";
                }

                int? length = Length(parameter.DataType);
                return length is null || length >= LongestStatus ? null
                    : $"{name} is declared {typeText}, too short for 'warning'; declare it nvarchar(10).";
            case "@GESCOMBASEINT":
                return type == SqlDataTypeOption.NVarChar ? null
                    : $"{name} is declared {typeText}; the contract declares it nvarchar, for example nvarchar(300) (the quoted GesCom qualifier).";
            case "@TOKENACCOUNT":
                return type is SqlDataTypeOption.Int or SqlDataTypeOption.BigInt or SqlDataTypeOption.NVarChar or SqlDataTypeOption.VarChar ? null
                    : $"{name} is declared {typeText}; the contract allows int, bigint, nvarchar or varchar (the replication watermark).";
            default:
                return hasDefault ? null
                    : $"{name} is not a hook parameter and has no default, so the runner reports the hook as non-conforming and never runs it. Hook parameters are @ErpIntegrationID, @ErpSyncStatus (or @ErpSymsStatus), @GesComBaseInt and @tokenAccount; give {name} a default or remove it.";
        }
    }

    private static int? Length(DataTypeReference type) =>
        type is SqlDataTypeReference { Parameters.Count: > 0 } sized && sized.Parameters[0] is IntegerLiteral literal
            && int.TryParse(literal.Value, out int length) ? length : null;

    private static string TypeText(DataTypeReference? type)
    {
        if (type is null)
        {
            return "without a type";
        }

        var generator = new Sql140ScriptGenerator();
        generator.GenerateScript(type, out string text);
        return text;
    }

    [GeneratedRegex("^AUTOSYNC_[0-9]+_.+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex HookName();
}
