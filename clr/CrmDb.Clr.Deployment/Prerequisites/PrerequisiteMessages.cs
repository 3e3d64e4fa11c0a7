using System.Globalization;
using System.Resources;

namespace CrmDb.Clr.Deployment.Prerequisites;

/// <summary>
/// The French texts of the table's messages, for the post-deployment guard (SSMS messages are
/// French). They are crmdb's own: runner/Resources/Deployment.resx is embedded in this assembly
/// (see the project file), so both speak with one text.
/// </summary>
public static class PrerequisiteMessages
{
    private static readonly ResourceManager Resources = new("CrmDb.Clr.Deployment.Resources.Deployment", typeof(PrerequisiteMessages).Assembly);

    /// <summary>The French text of <paramref name="key"/>, with its {0}, {1} ... placeholders.</summary>
    public static string French(string key) =>
        Resources.GetString(key, CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"Missing resource '{key}' in runner/Resources/Deployment.resx.");
}
