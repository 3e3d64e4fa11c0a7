using CrmDb.Runner.Cli;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Runner.Testing;

/// <summary>One batch of a script (the text between GO separators) and the line it starts on.</summary>
public sealed record SqlBatch(string Text, int Line);

/// <summary>
/// Splits a script into the batches sqlcmd would send, with ScriptDom's SQL Server 2017 parser
/// (TSql140Parser), so that GO inside strings and comments is handled as the engine expects.
/// Interim: the batch parser of the runner issue is meant to replace this for crmdb test.
/// </summary>
public static class SqlBatches
{
    private static readonly Localizer Text = new("Test");

    /// <summary>The batches of <paramref name="sql"/>; a usage error naming <paramref name="source"/> and the line when it does not parse.</summary>
    public static IReadOnlyList<SqlBatch> Split(string sql, string source)
    {
        var parser = new TSql140Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var script = parser.Parse(reader, out IList<ParseError> errors) as TSqlScript;
        if (errors.Count > 0 || script is null)
        {
            ParseError? first = errors.FirstOrDefault();
            throw new UsageException(Text["ParseFailed", source, first?.Line ?? 1, first?.Message ?? string.Empty]);
        }

        return script.Batches
            .Select(batch => new SqlBatch(sql.Substring(batch.StartOffset, batch.FragmentLength), batch.StartLine))
            .ToList();
    }
}
