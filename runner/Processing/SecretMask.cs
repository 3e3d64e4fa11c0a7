using CrmDb.Clr;

namespace CrmDb.Runner.Processing;

/// <summary>
/// Hides secret values (of variables named like a secret, CrmDb.Clr.SecretNames, and of
/// --secret-variable) in every line a run shows or logs: server messages and the header may
/// repeat them. Batch text is masked exactly where the parser put the value (Batch.ShownText);
/// this replaces any further occurrence of the value itself.
/// </summary>
public sealed class SecretMask
{
    private readonly string[] values;

    /// <summary>A mask for the values of <paramref name="variables"/> that are secret.</summary>
    public SecretMask(IReadOnlyDictionary<string, string> variables, IEnumerable<string> secretNames)
    {
        var secret = new HashSet<string>(secretNames, StringComparer.OrdinalIgnoreCase);
        values = variables
            .Where(v => v.Value.Length > 0 && (SecretNames.IsSecret(v.Key) || secret.Contains(v.Key)))
            .Select(v => v.Value)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ToArray();
    }

    /// <summary>No secrets.</summary>
    public static SecretMask None { get; } = new(new Dictionary<string, string>(), []);

    /// <summary><paramref name="text"/> with each secret value replaced by ********.</summary>
    public string Apply(string text)
    {
        foreach (string value in values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, SecretNames.Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
