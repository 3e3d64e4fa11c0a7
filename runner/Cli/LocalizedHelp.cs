using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Text;

namespace CrmDb.Runner.Cli;

/// <summary>
/// crmdb's own --help, in the run's language. System.CommandLine's French satellite (2.0.0,
/// and 3.0.0 alike) leaves "Show help and usage information", "default", "(REQUIRED)" and
/// "Description:" in English, so help is rendered here from our resources instead.
/// </summary>
public sealed class LocalizedHelpAction(CliContext context) : SynchronousCommandLineAction
{
    private static readonly Localizer Text = new("Common");

    /// <inheritdoc />
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        // Wrapped to the terminal; redirected (a file, a pipe, a test), one line per entry, as System.CommandLine does.
        int width = context.IsInteractive ? Math.Max(60, ConsoleWidth()) : int.MaxValue;
        context.Out.Write(Render(parseResult.CommandResult.Command, width));
        return ExitCodes.Success;
    }

    /// <summary>The help of <paramref name="command"/>.</summary>
    public static string Render(Command command, int width = int.MaxValue)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(command.Description))
        {
            text.AppendLine(Text["HelpDescriptionTitle"]);
            Wrap(text, command.Description, 2, width);
            text.AppendLine();
        }

        text.AppendLine(Text["HelpUsageTitle"]);
        text.Append("  ").AppendLine(Usage(command));

        var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
        if (arguments.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(Text["HelpArgumentsTitle"]);
            Columns(text, arguments.Select(a => ("<" + a.Name + ">", Describe(a.Description, a.HasDefaultValue ? a.GetDefaultValue() : null, required: false))), width);
        }

        var options = VisibleOptions(command).ToList();
        if (options.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(Text["HelpOptionsTitle"]);
            Columns(text, options.Select(o => (OptionLabel(o), Describe(o.Description, o.HasDefaultValue ? o.GetDefaultValue() : null, o.Required))), width);
        }

        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        if (subcommands.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(Text["HelpCommandsTitle"]);
            Columns(text, subcommands.Select(c => (CommandLabel(c), c.Description ?? string.Empty)), width);
        }

        return text.ToString();
    }

    /// <summary>The usage line: crmdb, the verb path, its arguments, then [options] and [command].</summary>
    internal static string Usage(Command command)
    {
        var parts = new List<string>();
        for (Command? verb = command; verb is not null and not RootCommand; verb = verb.Parents.OfType<Command>().FirstOrDefault())
        {
            parts.Insert(0, verb.Name);
        }

        parts.Insert(0, "crmdb");
        parts.AddRange(command.Arguments.Where(a => !a.Hidden).Select(ArgumentUsage));
        if (VisibleOptions(command).Any())
        {
            parts.Add(Text["HelpUsageOptions"]);
        }

        if (command.Subcommands.Any(c => !c.Hidden))
        {
            parts.Add(Text["HelpUsageCommand"]);
        }

        return string.Join(' ', parts);
    }

    private static IEnumerable<Option> VisibleOptions(Command command)
    {
        var inherited = command.Parents.OfType<Command>().SelectMany(Ancestors).SelectMany(c => c.Options).Where(o => o.Recursive);
        return command.Options.Concat(inherited).Where(o => !o.Hidden).Distinct();

        static IEnumerable<Command> Ancestors(Command command) =>
            new[] { command }.Concat(command.Parents.OfType<Command>().SelectMany(Ancestors));
    }

    private static string ArgumentUsage(Argument argument)
    {
        string name = "<" + argument.Name + ">";
        if (argument.Arity.MaximumNumberOfValues > 1)
        {
            name += "...";
        }

        return argument.Arity.MinimumNumberOfValues == 0 ? "[" + name + "]" : name;
    }

    private static string OptionLabel(Option option)
    {
        var names = new[] { option.Name }.Concat(option.Aliases)
            .Where(n => !DeprecatedAliases.IsDeprecated(option, n))
            .OrderBy(n => n.StartsWith("--", StringComparison.Ordinal) ? 1 : 0)
            .ThenBy(n => n.Length);
        string label = string.Join(", ", names);
        bool takesValue = option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
        if (takesValue)
        {
            label += " <" + (option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant()) + ">";
        }
        else if (option.ValueType == typeof(bool?))
        {
            label += " <true|false>";
        }

        return label;
    }

    private static string CommandLabel(Command command)
    {
        string arguments = string.Join(' ', command.Arguments.Where(a => !a.Hidden).Select(ArgumentUsage));
        return arguments.Length == 0 ? command.Name : command.Name + " " + arguments;
    }

    private static string Describe(string? description, object? defaultValue, bool required)
    {
        var text = new StringBuilder(description ?? string.Empty);
        string? shown = defaultValue switch
        {
            null or false => null,
            string s when s.Length == 0 => null,
            string[] { Length: 0 } => null,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => defaultValue.ToString(),
        };
        if (shown is not null)
        {
            text.Append(' ').Append(Text["HelpDefault", shown]);
        }

        if (required)
        {
            text.Append(' ').Append(Text["HelpRequired"]);
        }

        return text.ToString();
    }

    private static int ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 100;
        }
    }

    private static void Columns(StringBuilder text, IEnumerable<(string Label, string Description)> rows, int width)
    {
        var list = rows.ToList();
        int first = Math.Min(list.Max(r => r.Label.Length), 34) + 4;
        foreach (var (label, description) in list)
        {
            text.Append("  ").Append(label);
            if (label.Length + 2 > first - 2)
            {
                text.AppendLine();
                text.Append(' ', first);
            }
            else
            {
                text.Append(' ', first - 2 - label.Length);
            }

            Wrap(text, description, first, width, firstLineIndented: true);
        }
    }

    private static void Wrap(StringBuilder text, string words, int indent, int width, bool firstLineIndented = false)
    {
        int column = indent;
        if (!firstLineIndented)
        {
            text.Append(' ', indent);
        }

        bool lineStart = true;
        foreach (string word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!lineStart && column + 1 + word.Length > width)
            {
                text.AppendLine();
                text.Append(' ', indent);
                column = indent;
                lineStart = true;
            }

            if (!lineStart)
            {
                text.Append(' ');
                column++;
            }

            text.Append(word);
            column += word.Length;
            lineStart = false;
        }

        text.AppendLine();
    }

    /// <summary>Puts this help, and our texts for --help and --version, on <paramref name="root"/>.</summary>
    public static void Install(RootCommand root, CliContext context)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption help)
            {
                help.Description = Text["HelpOption"];
                help.Action = new LocalizedHelpAction(context);
            }
            else if (option is VersionOption version)
            {
                version.Description = Text["VersionOption"];
            }
        }
    }
}
