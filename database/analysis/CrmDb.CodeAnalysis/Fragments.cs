using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>Small ScriptDom helpers shared by the rules.</summary>
internal static class Fragments
{
    /// <summary>The CREATE / ALTER / CREATE OR ALTER PROCEDURE inside <paramref name="fragment"/>, if any.</summary>
    public static ProcedureStatementBody? Procedure(TSqlFragment? fragment)
    {
        if (fragment is ProcedureStatementBody body)
        {
            return body;
        }

        var finder = new FirstOf<ProcedureStatementBody>();
        fragment?.Accept(finder);
        return finder.Found;
    }

    /// <summary>Every fragment of type <typeparamref name="T"/> below <paramref name="fragment"/>, in text order.</summary>
    public static List<T> All<T>(TSqlFragment? fragment) where T : TSqlFragment
    {
        var collector = new AllOf<T>();
        fragment?.Accept(collector);
        return collector.Found;
    }

    /// <summary>schema.name of a model element, for messages.</summary>
    public static string DisplayName(TSqlObject element) =>
        string.Join(".", element.Name.Parts);

    /// <summary>The last part of a model element's name (the object name without its schema).</summary>
    public static string ObjectName(TSqlObject element) =>
        element.Name.Parts.Count == 0 ? string.Empty : element.Name.Parts[^1];

    private sealed class FirstOf<T> : TSqlFragmentVisitor where T : TSqlFragment
    {
        public T? Found { get; private set; }

        public override void Visit(TSqlFragment fragment)
        {
            if (Found is null && fragment is T match)
            {
                Found = match;
            }
        }
    }

    private sealed class AllOf<T> : TSqlFragmentVisitor where T : TSqlFragment
    {
        public List<T> Found { get; } = [];

        public override void Visit(TSqlFragment fragment)
        {
            if (fragment is T match)
            {
                Found.Add(match);
            }
        }
    }
}
