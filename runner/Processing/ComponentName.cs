using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>
/// The COMPONENT of a run names its log file and its journal rows: letters, digits, '_', '-'
/// and '.', at most 100 characters, so that it is always a safe file name; not ending in
/// '.dry-run', which names dry-run logs.
/// </summary>
public static class ComponentName
{
    /// <summary>The longest component name accepted.</summary>
    public const int MaxLength = 100;

    private static readonly Localizer Text = new("Run");

    /// <summary>Returns <paramref name="component"/> when valid; a usage error naming the rule otherwise.</summary>
    public static string Validate(string? component)
    {
        string value = component ?? string.Empty;
        bool valid = value.Length is > 0 and <= MaxLength
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            && value.Trim('.').Length > 0
            && !value.EndsWith(BachsqlLogFiles.DryRunSuffix, StringComparison.OrdinalIgnoreCase);
        return valid ? value : throw new UsageException(Text["ComponentInvalid", value, MaxLength]);
    }
}
