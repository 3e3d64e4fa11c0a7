using System.CommandLine;
using System.CommandLine.Parsing;

namespace CrmDb.Runner.Cli;

/// <summary>
/// System.CommandLine's parse errors turned into crmdb's own messages, in the run's language
/// (its French satellite leaves most of them English), each printed once and naming the
/// option or argument. Unknown options are errors with a "did you mean", never paths.
/// </summary>
public static class ParseErrorMessages
{
    private static readonly Localizer Text = new("Common");

    /// <summary>The messages for <paramref name="parseResult"/>; empty when the command line is valid.</summary>
    public static IReadOnlyList<string> Of(ParseResult parseResult, IReadOnlyList<string> args)
    {
        var messages = new List<string>();
        var command = parseResult.CommandResult.Command;
        bool unknownCommand = false;

        UnmatchedTokens(parseResult, args, command, messages, ref unknownCommand);
        OptionLikeArguments(parseResult, args, messages);

        foreach (var error in parseResult.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult { IdentifierToken: null } or ArgumentResult { Parent: OptionResult { IdentifierToken: null } }:
                    // A required option that is absent: reported once below, as missing.
                    break;
                case OptionResult option:
                    messages.Add(OptionValue(option.Option, option.Tokens));
                    break;
                case ArgumentResult { Parent: OptionResult option }:
                    messages.Add(OptionValue(option.Option, option.Tokens));
                    break;
                case ArgumentResult argument when argument.Tokens.Count >= argument.Argument.Arity.MinimumNumberOfValues:
                    messages.Add(Text["ArgumentValueInvalid", argument.Argument.Name, string.Join(' ', argument.Tokens.Select(t => t.Value)), Expected(argument.Argument.ValueType, argument.Argument.HelpName)]);
                    break;
                default:
                    // Missing arguments, required options and commands, unmatched tokens: found below and above from the parse itself.
                    break;
            }
        }

        foreach (var argument in command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0 && !a.HasDefaultValue))
        {
            if ((parseResult.GetResult(argument)?.Tokens.Count ?? 0) < argument.Arity.MinimumNumberOfValues)
            {
                messages.Add(Text["ArgumentMissing", argument.Name, argument.Description ?? string.Empty]);
            }
        }

        foreach (var option in OptionsOf(command).Where(o => o.Required))
        {
            if (parseResult.GetResult(option) is null or { Implicit: true })
            {
                messages.Add(Text["OptionRequired", option.Name, option.Description ?? string.Empty]);
            }
        }

        if (command.Action is null && command.Subcommands.Count > 0 && !unknownCommand)
        {
            messages.Add(Text["CommandRequired", string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))]);
        }

        if (messages.Count == 0)
        {
            // A kind this mapping does not know yet: System.CommandLine's own text, rather than silence.
            messages.AddRange(parseResult.Errors.Select(e => e.Message));
        }

        return messages.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The closest of <paramref name="candidates"/> to <paramref name="typed"/>, when one is close enough.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string bare = Bare(typed);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            string other = Bare(candidate);
            int distance = other.StartsWith(bare, StringComparison.Ordinal) && bare.Length >= 3 ? 1 : Distance(bare, other);

            // Case alone (-s for -S) is the closest miss there is.
            if (string.Equals(typed, candidate, StringComparison.OrdinalIgnoreCase))
            {
                distance = 0;
            }

            if (distance < bestDistance || (distance == bestDistance && best is not null && candidate.Length > best.Length))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // One or two letters: only a difference of case is a likely typo, anything else would be a guess.
        int allowed = bare.Length < 3 ? 0 : Math.Min(3, Math.Max(1, bare.Length / 3));
        return bestDistance <= allowed ? best : null;
    }

    private static void UnmatchedTokens(ParseResult parseResult, IReadOnlyList<string> args, Command command, List<string> messages, ref bool unknownCommand)
    {
        int lastOptionIndex = -2;
        int searchFrom = 0;
        foreach (string token in parseResult.UnmatchedTokens)
        {
            int index = IndexOf(args, token, searchFrom);
            searchFrom = index < 0 ? searchFrom : index + 1;
            if (LooksLikeOption(token))
            {
                messages.Add(UnknownOption(token, command));
                lastOptionIndex = index;
            }
            else if (index >= 0 && index == lastOptionIndex + 1)
            {
                // The value of the unknown option just reported: one problem, one message.
                continue;
            }
            else if (command.Subcommands.Count > 0 && command.Arguments.Count == 0)
            {
                unknownCommand = true;
                string? suggestion = Closest(token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
                messages.Add(suggestion is null
                    ? Text["UnknownCommand", token, string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))]
                    : Text["UnknownCommandSuggest", token, suggestion]);
            }
            else
            {
                messages.Add(Text["ExtraArgument", token]);
            }
        }
    }

    private static void OptionLikeArguments(ParseResult parseResult, IReadOnlyList<string> args, List<string> messages)
    {
        // After "--", everything is an argument on purpose.
        if (args.Contains("--"))
        {
            return;
        }

        var command = parseResult.CommandResult.Command;
        foreach (var argument in command.Arguments)
        {
            foreach (var token in parseResult.GetResult(argument)?.Tokens ?? [])
            {
                if (LooksLikeOption(token.Value))
                {
                    messages.Add(UnknownOption(token.Value, command));
                }
            }
        }
    }

    private static string UnknownOption(string token, Command command)
    {
        string name = token.Split('=', 2)[0];
        var candidates = OptionsOf(command)
            .Where(o => !o.Hidden)
            .SelectMany(o => new[] { o.Name }.Concat(o.Aliases).Where(a => !DeprecatedAliases.IsDeprecated(o, a)))
            .Where(a => a.StartsWith('-'));
        string? suggestion = Closest(name, candidates);
        return suggestion is null
            ? Text["UnknownOption", name]
            : Text["UnknownOptionSuggest", name, suggestion];
    }

    private static string OptionValue(Option option, IReadOnlyList<Token> tokens)
    {
        if (tokens.Count == 0)
        {
            return Text["OptionValueMissing", option.Name, option.HelpName ?? "VALUE"];
        }

        if (tokens.Count > 1 && option.Arity.MaximumNumberOfValues == 1)
        {
            return Text["OptionTooManyValues", option.Name, string.Join(", ", tokens.Select(t => t.Value))];
        }

        return Text["OptionValueInvalid", option.Name, string.Join(' ', tokens.Select(t => t.Value)), Expected(option.ValueType, option.HelpName)];
    }

    private static string Expected(Type type, string? helpName)
    {
        Type core = Nullable.GetUnderlyingType(type) ?? type;
        if (core.IsArray)
        {
            core = core.GetElementType()!;
        }

        if (helpName is not null && helpName.Contains('|', StringComparison.Ordinal))
        {
            return Text["ExpectedOneOf", helpName];
        }

        return core == typeof(int) || core == typeof(long) ? Text["ExpectedInteger"]
            : core == typeof(bool) ? Text["ExpectedBoolean"]
            : Text["ExpectedValue", helpName ?? "VALUE"];
    }

    private static IEnumerable<Option> OptionsOf(Command command)
    {
        var options = new List<Option>(command.Options);
        for (Command? parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            options.AddRange(parent.Options.Where(o => o.Recursive));
        }

        return options.Distinct();
    }

    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static int IndexOf(IReadOnlyList<string> args, string token, int from)
    {
        for (int i = from; i < args.Count; i++)
        {
            if (args[i] == token)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Bare(string name) => name.TrimStart('-', '/').ToLowerInvariant();

    private static int Distance(string a, string b)
    {
        // Optimal string alignment distance: a swapped pair of letters counts as one edit.
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
