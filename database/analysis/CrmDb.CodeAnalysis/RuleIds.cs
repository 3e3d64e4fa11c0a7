namespace CrmDb.CodeAnalysis;

/// <summary>
/// Identifiers of CrmDb's code-analysis rules. DacFx names a rule by its full id; the build
/// prints the part after the last dot (CRMDB01...) with the file and line of the problem.
/// SqlCodeAnalysisRules in database/build/CrmDb.Sql.props turns each into a build error.
/// </summary>
public static class RuleIds
{
    /// <summary>The namespace of every CrmDb rule id, and its category in the analysis results.</summary>
    public const string Namespace = "CrmDb.Rules";

    /// <summary>AUTOSYNC_ procedures follow the hook contract (docs/design.md decisions 1 and 2).</summary>
    public const string AutosyncHookContract = Namespace + ".CRMDB01";

    /// <summary>No EXEC(@text): dynamic SQL only through sp_executesql.</summary>
    public const string NoExecuteOfText = Namespace + ".CRMDB02";

    /// <summary>Procedures that write to permanent tables SET XACT_ABORT ON first.</summary>
    public const string WriterSetsXactAbort = Namespace + ".CRMDB03";

    /// <summary>No transaction begun without a commit or rollback on every path the rule can follow.</summary>
    public const string TransactionClosedOnEveryPath = Namespace + ".CRMDB04";

    /// <summary>Every CrmDb rule, for settings strings and tests.</summary>
    public static IReadOnlyList<string> All { get; } =
        [AutosyncHookContract, NoExecuteOfText, WriterSetsXactAbort, TransactionClosedOnEveryPath];
}
