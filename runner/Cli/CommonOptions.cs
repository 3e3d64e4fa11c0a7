using System.CommandLine;

namespace CrmDb.Runner.Cli;

/// <summary>Options that several verbs share, built the same way everywhere.</summary>
public static class CommonOptions
{
    private static readonly Localizer Text = new("Common");

    /// <summary>--connection CS (else CRMDB_CONNECTION) alone; verbs take <see cref="ConnectionOptions"/>, which adds -S/-d/-E/-U/-C and --timeout.</summary>
    public static Option<string?> Connection() => new("--connection", "-c")
    {
        Description = Text["ConnectionOption"],
        HelpName = "CS",
    };

    /// <summary>--code-page N (sqlcmd -f): the encoding of scripts without a BOM (ScriptEncoding).</summary>
    public static Option<int?> CodePage() => new("--code-page", "-f")
    {
        Description = Text["CodePageOption"],
        HelpName = "N",
    };

    /// <summary>--variable NAME=VALUE, repeatable.</summary>
    public static Option<string[]> Variables(string description) => new("--variable", "-v")
    {
        Description = description,
        HelpName = "NAME=VALUE",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>--secret-variable NAME=VALUE, repeatable: a sqlcmd variable whose value is never shown.</summary>
    public static Option<string[]> SecretVariables(string description) => new("--secret-variable")
    {
        Description = description,
        HelpName = "NAME=VALUE",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>
    /// The --variable and --secret-variable values in one table (a secret wins over a plain value of
    /// the same name), and the secret names apart, for masking.
    /// </summary>
    public static (Dictionary<string, string> All, IReadOnlyDictionary<string, string> Secrets) ParseVariables(
        IEnumerable<string>? plain, IEnumerable<string>? secret)
    {
        var secrets = ParseVariables(secret);
        var all = new Dictionary<string, string>(ParseVariables(plain), StringComparer.OrdinalIgnoreCase);
        foreach (var pair in secrets)
        {
            all[pair.Key] = pair.Value;
        }

        return (all, secrets);
    }

    /// <summary>Parses NAME=VALUE pairs; a malformed one is a usage error naming it.</summary>
    public static IReadOnlyDictionary<string, string> ParseVariables(IEnumerable<string>? pairs)
    {
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pair in pairs ?? [])
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? pair[..equals].Trim() : string.Empty;
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new UsageException(Text["VariableMalformed", pair]);
            }

            variables[name] = pair[(equals + 1)..];
        }

        return variables;
    }
}
