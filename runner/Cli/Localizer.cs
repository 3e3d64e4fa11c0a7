using System.Globalization;
using System.Resources;

namespace CrmDb.Runner.Cli;

/// <summary>
/// User-facing text from .NET resources: French by default, English with --lang en.
/// Each area of the runner has its own resource pair (Resources/Area.resx, Area.en.resx).
/// </summary>
public sealed class Localizer(string baseName)
{
    private readonly ResourceManager resources = new("CrmDb.Runner.Resources." + baseName, typeof(Localizer).Assembly);

    /// <summary>The text for <paramref name="key"/>, formatted with <paramref name="args"/>.</summary>
    public string this[string key, params object?[] args]
    {
        get
        {
            string text = resources.GetString(key, CultureInfo.CurrentUICulture)
                ?? throw new InvalidOperationException($"Missing resource '{key}' in {baseName}.");
            return args.Length == 0 ? text : string.Format(CultureInfo.CurrentCulture, text, args);
        }
    }
}
