using System.Text.RegularExpressions;

namespace CrmDb.Runner.Processing;

/// <summary>
/// What a batch's text says about where the server's line numbers point. A batch that creates a
/// module (CREATE or ALTER PROCEDURE, FUNCTION, TRIGGER) is the module's definition, leading
/// comments included: an error the server reports in that module, at compile time or later when
/// it runs, is at that line of the batch ("ERROR_LINE returns the line number ... within the
/// routine", ERROR_LINE (Transact-SQL), learn.microsoft.com). An error in dynamic SQL
/// (EXEC('...'), sp_executesql) comes without a procedure name and with the line inside the
/// dynamic text: nothing in the message tells it from a line of the batch.
/// </summary>
public static partial class ModuleBatch
{
    /// <summary>The module the batch creates or alters (its last name part, unquoted), or null.</summary>
    public static string? Name(string text)
    {
        var match = ModuleStatement().Match(text);
        if (!match.Success)
        {
            return null;
        }

        string name = match.Groups["name"].Value;
        return name.Length > 1 && (name[0] == '[' || name[0] == '"') ? name[1..^1].Replace("]]", "]", StringComparison.Ordinal) : name;
    }

    /// <summary>True when the batch runs dynamic SQL (EXEC( or EXECUTE( or sp_executesql).</summary>
    public static bool RunsDynamicSql(string text) => DynamicSql().IsMatch(text);

    [GeneratedRegex(@"\A(?:\s+|--[^\n]*\n?|/\*.*?\*/)*(?:CREATE\s+(?:OR\s+ALTER\s+)?|ALTER\s+)(?:PROC|PROCEDURE|FUNCTION|TRIGGER)\s+(?:(?:\[(?:[^\]]|\]\])+\]|""[^""]+""|[\w@#$]+)\s*\.\s*)*(?<name>\[(?:[^\]]|\]\])+\]|""[^""]+""|[\w@#$]+)",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ModuleStatement();

    [GeneratedRegex(@"\bEXEC(?:UTE)?\s*\(|\bsp_executesql\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DynamicSql();
}
