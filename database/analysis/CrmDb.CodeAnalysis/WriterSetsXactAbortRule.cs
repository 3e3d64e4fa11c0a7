using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>
/// CRMDB03: a procedure that writes to a permanent table (INSERT, UPDATE, DELETE, MERGE,
/// TRUNCATE TABLE, SELECT ... INTO) runs SET XACT_ABORT ON before its first write, so that an
/// error (a timeout, a constraint) rolls the whole transaction back instead of leaving half of
/// it open. Writes to #temporary tables and @table variables do not count. Writes inside
/// dynamic SQL and inside other procedures it calls are not visible to the rule.
/// </summary>
[ExportCodeAnalysisRule(RuleIds.WriterSetsXactAbort, "Procedures that write SET XACT_ABORT ON",
    Description = "A procedure that writes to a permanent table runs SET XACT_ABORT ON before its first write.",
    Category = RuleIds.Namespace,
    RuleScope = SqlRuleScope.Element)]
public sealed class WriterSetsXactAbortRule : ProcedureBodyRule
{
    /// <inheritdoc />
    protected override IEnumerable<SqlRuleProblem> AnalyzeBody(TSqlObject element, string display, ProcedureStatementBody procedure)
    {
        var writes = PermanentWrites(procedure).OrderBy(w => w.Statement.StartOffset).ToList();
        if (writes.Count == 0)
        {
            return [];
        }

        var (firstWrite, target) = writes[0];
        bool setBefore = Fragments.All<PredicateSetStatement>(procedure)
            .Any(set => set.IsOn && set.Options.HasFlag(SetOptions.XactAbort) && set.StartOffset < firstWrite.StartOffset);
        return setBefore ? [] :
        [
            new SqlRuleProblem(
                $"{display} writes to {target} but does not SET XACT_ABORT ON before that write. Add SET XACT_ABORT ON; after SET NOCOUNT ON; at the start of the procedure.",
                element, firstWrite),
        ];
    }

    /// <summary>Each statement that writes to a permanent table, with the table's name.</summary>
    internal static IEnumerable<(TSqlFragment Statement, string Target)> PermanentWrites(TSqlFragment body)
    {
        foreach (var modification in Fragments.All<DataModificationSpecification>(body))
        {
            FromClause? from = modification switch
            {
                UpdateSpecification update => update.FromClause,
                DeleteSpecification delete => delete.FromClause,
                _ => null,
            };
            string? target = PermanentName(modification.Target, from);
            if (target is not null)
            {
                yield return (modification, target);
            }
        }

        foreach (var truncate in Fragments.All<TruncateTableStatement>(body))
        {
            if (!IsTemporary(truncate.TableName))
            {
                yield return (truncate, Text(truncate.TableName));
            }
        }

        foreach (var select in Fragments.All<SelectStatement>(body))
        {
            if (select.Into is not null && !IsTemporary(select.Into))
            {
                yield return (select, Text(select.Into));
            }
        }
    }

    /// <summary>The name of a written table when it is permanent; null for #temp and @table.</summary>
    private static string? PermanentName(TableReference? target, FromClause? from)
    {
        switch (target)
        {
            case VariableTableReference:
                return null;
            case NamedTableReference named:
                // UPDATE t SET ... FROM #work AS t: the target is an alias of a FROM table.
                if (named.SchemaObject.SchemaIdentifier is null && from is not null)
                {
                    string alias = named.SchemaObject.BaseIdentifier.Value;
                    TableReference? aliased = Fragments.All<TableReferenceWithAlias>(from)
                        .FirstOrDefault(t => string.Equals(t.Alias?.Value, alias, StringComparison.OrdinalIgnoreCase));
                    if (aliased is VariableTableReference)
                    {
                        return null;
                    }

                    if (aliased is NamedTableReference real)
                    {
                        return IsTemporary(real.SchemaObject) ? null : Text(real.SchemaObject);
                    }
                }

                return IsTemporary(named.SchemaObject) ? null : Text(named.SchemaObject);
            default:
                // OPENQUERY, OPENROWSET and the like write elsewhere: count them as permanent.
                return target is null ? null : "a table";
        }
    }

    private static bool IsTemporary(SchemaObjectName name) =>
        name.BaseIdentifier?.Value?.StartsWith('#') == true;

    private static string Text(SchemaObjectName name) =>
        string.Join(".", name.Identifiers.Select(i => i.Value));
}
