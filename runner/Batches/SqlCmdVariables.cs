namespace CrmDb.Runner.Batches;

/// <summary>
/// sqlcmd scripting variables: names compared case-insensitively; set from the command line
/// first, then by <c>:setvar</c>, which wins (sqlcmd's documented precedence).
/// </summary>
public sealed class SqlCmdVariables
{
    private readonly Dictionary<string, string> values;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private readonly HashSet<string> secretNames;

    /// <summary>
    /// Starts with <paramref name="initial"/> (the --variable values); <paramref name="secrets"/>
    /// names variables that are secret whatever their name (--secret-variable).
    /// </summary>
    public SqlCmdVariables(IEnumerable<KeyValuePair<string, string>>? initial = null, IEnumerable<string>? secrets = null)
    {
        secretNames = new HashSet<string>(secrets ?? [], StringComparer.OrdinalIgnoreCase);
        values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        lookup = values.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var pair in initial ?? [])
        {
            values[pair.Key] = pair.Value;
        }
    }

    /// <summary>The names set now.</summary>
    public IEnumerable<string> Names => values.Keys;

    /// <summary>The value of <paramref name="name"/>, when it is set.</summary>
    public bool TryGet(ReadOnlySpan<char> name, out string value) => lookup.TryGetValue(name, out value!);

    /// <summary>Sets <paramref name="name"/>.</summary>
    public void Set(string name, string value) => values[name] = value;

    /// <summary>Removes <paramref name="name"/>; false when it was not set.</summary>
    public bool Unset(string name) => values.Remove(name);

    /// <summary>A copy, so that one script's :setvar does not leak into the next script.</summary>
    public SqlCmdVariables Clone() => new(values, secretNames);

    /// <summary>True when the value of <paramref name="name"/> is a secret (its name, or --secret-variable).</summary>
    public bool IsSecret(ReadOnlySpan<char> name)
    {
        string text = name.ToString();
        return CrmDb.Clr.SecretNames.IsSecret(text) || secretNames.Contains(text);
    }

    /// <summary>A character allowed in a variable name after the first (sqlcmd: letters, digits, _ and -).</summary>
    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' || char.IsLetter(c);

    /// <summary>A valid :setvar name: a letter or '_', then letters, digits, '_' or '-'.</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A :setvar value as sqlcmd reads it: plain text without white space, or text in double
    /// quotes where a doubled quote stands for one (<c>"spac""e"</c> is <c>spac"e</c>).
    /// </summary>
    public static bool TryParseValue(ReadOnlySpan<char> raw, out string value)
    {
        value = string.Empty;
        if (raw.IsEmpty)
        {
            return false;
        }

        if (raw[0] != '"')
        {
            foreach (char c in raw)
            {
                if (char.IsWhiteSpace(c) || c == '"')
                {
                    return false;
                }
            }

            value = raw.ToString();
            return true;
        }

        if (raw.Length < 2 || raw[^1] != '"')
        {
            return false;
        }

        var inner = raw[1..^1];
        var builder = new System.Text.StringBuilder(inner.Length);
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '"')
            {
                if (i + 1 < inner.Length && inner[i + 1] == '"')
                {
                    builder.Append('"');
                    i++;
                    continue;
                }

                return false;
            }

            builder.Append(inner[i]);
        }

        value = builder.ToString();
        return true;
    }
}
