using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Infrastructure;

/// <summary>ScriptDom parsing as SQL Server 2017 (TSql140Parser) reads T-SQL.</summary>
public static class SqlParsing
{
    /// <summary>The parse errors of <paramref name="sql"/>, as "line:column message".</summary>
    public static IReadOnlyList<string> Errors(string sql)
    {
        var parser = new TSql140Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out IList<ParseError> errors);
        return errors.Select(e => $"{e.Line}:{e.Column} {e.Message}").ToList();
    }

    /// <summary>Parses <paramref name="sql"/>; fails the test with every error when it does not parse.</summary>
    public static TSqlFragment Parse(string sql)
    {
        var parser = new TSql140Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        TSqlFragment fragment = parser.Parse(reader, out IList<ParseError> errors);
        Xunit.Assert.True(errors.Count == 0, "T-SQL does not parse:\n" + string.Join("\n", errors.Select(e => $"{e.Line}:{e.Column} {e.Message}")) + "\n---\n" + sql);
        return fragment;
    }

    /// <summary>
    /// Replaces sqlcmd lines (:r, :setvar, :on error) with blank lines, as sqlcmd would consume
    /// them before the engine sees the text; line numbers stay the same.
    /// </summary>
    public static string WithoutSqlCmdDirectives(string sql) =>
        string.Join('\n', sql.Split('\n').Select(line => line.TrimStart().StartsWith(':') ? string.Empty : line));

    /// <summary>Every fragment of type <typeparamref name="T"/> in <paramref name="root"/> (itself included), in text order.</summary>
    public static List<T> All<T>(TSqlFragment root)
        where T : TSqlFragment
    {
        var collector = new Collector<T>();
        root.Accept(collector);
        return collector.Found;
    }

    private sealed class Collector<T> : TSqlFragmentVisitor
        where T : TSqlFragment
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
