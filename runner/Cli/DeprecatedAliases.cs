using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.CompilerServices;

namespace CrmDb.Runner.Cli;

/// <summary>
/// Old option names kept for one release: they still work, help no longer shows them, and
/// using one prints a warning naming the new name.
/// </summary>
public static class DeprecatedAliases
{
    private static readonly ConditionalWeakTable<Option, HashSet<string>> Table = [];

    private static readonly Localizer Text = new("Common");

    /// <summary>Adds <paramref name="aliases"/> to <paramref name="option"/> as deprecated names.</summary>
    public static T WithDeprecated<T>(this T option, params string[] aliases)
        where T : Option
    {
        var set = Table.GetOrCreateValue(option);
        foreach (string alias in aliases)
        {
            option.Aliases.Add(alias);
            set.Add(alias);
        }

        return option;
    }

    /// <summary>True when <paramref name="alias"/> is a deprecated name of <paramref name="option"/>.</summary>
    public static bool IsDeprecated(Option option, string alias) =>
        Table.TryGetValue(option, out var set) && set.Contains(alias);

    /// <summary>One warning per deprecated name used on the command line.</summary>
    public static IEnumerable<string> Warnings(ParseResult parseResult)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (SymbolResult? result = parseResult.CommandResult; result is not null; result = result.Parent)
        {
            if (result is not CommandResult command)
            {
                continue;
            }

            foreach (var child in command.Children.OfType<OptionResult>())
            {
                string? used = child.IdentifierToken?.Value;
                if (used is not null && IsDeprecated(child.Option, used) && seen.Add(used))
                {
                    yield return Text["DeprecatedAlias", used, child.Option.Name];
                }
            }
        }
    }
}
