using System.Text;
using System.Text.RegularExpressions;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Deployment;

/// <summary>What a deployment script is for: the header says it, since the same DACPAC gives different scripts.</summary>
public enum ScriptPurpose
{
    /// <summary>Against an empty model: the first install of CrmDb onto an existing Sage CRM database.</summary>
    FirstInstall,

    /// <summary>Against an older CrmDb package: the upgrade of a database where that package is deployed.</summary>
    UpgradeFromPackage,

    /// <summary>Against a live database, as it was when the script was generated.</summary>
    AgainstDatabase,
}

/// <summary>The facts a script header states.</summary>
/// <param name="Purpose">What the script is for.</param>
/// <param name="DatabaseName">The target database, the value given to -v DatabaseName.</param>
/// <param name="ScriptFileName">The script's own file name, for the sqlcmd line.</param>
/// <param name="PackageVersion">CrmDb's version, from the DACPAC.</param>
/// <param name="FromPackage">The older package an upgrade script was compared against.</param>
/// <param name="ReportFileName">The Markdown deploy report written beside the script, if any.</param>
public sealed record ScriptHeaderFacts(
    ScriptPurpose Purpose, string DatabaseName, string ScriptFileName, string PackageVersion, string? FromPackage = null, string? ReportFileName = null);

/// <summary>
/// Makes DacFx's deployment script usable as it is: its :setvar declarations are commented out
/// (DacDeployOptions.CommentOutSetVarDeclarations) so that <c>sqlcmd -v</c> sets them, it starts
/// with a header saying what it is for, how to run it with sqlcmd and in SSMS, and who must run
/// it, and it is written as UTF-8 with a BOM so that sqlcmd and SSMS read its accents right.
/// </summary>
public static partial class DeploymentScript
{
    private static readonly Localizer Text = new("DeployReport");

    /// <summary>UTF-8 with a byte order mark: plain <c>sqlcmd -i</c> would read a file without one in the OEM code page.</summary>
    public static Encoding FileEncoding { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>
    /// The sqlcmd variables the script needs from <c>-v</c>: every <c>$(NAME)</c> it uses that no
    /// live :setvar sets, with the value of its commented-out declaration (in order of declaration).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> RequiredVariables(string script)
    {
        var used = new HashSet<string>(VariableReference().Matches(script).Select(m => m.Groups[1].Value), StringComparer.OrdinalIgnoreCase);
        var live = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var declared = new List<KeyValuePair<string, string>>();
        bool inComment = false;
        foreach (string rawLine in script.Split('\n'))
        {
            string line = rawLine.TrimEnd('\r');
            if (line.StartsWith("/*", StringComparison.Ordinal))
            {
                inComment = true;
            }

            var match = SetVarLine().Match(line);
            if (match.Success)
            {
                if (inComment)
                {
                    declared.Add(new(match.Groups[1].Value, match.Groups[2].Value));
                }
                else
                {
                    live.Add(match.Groups[1].Value);
                }
            }

            if (line.Contains("*/", StringComparison.Ordinal))
            {
                inComment = false;
            }
        }

        var required = declared.Where(d => used.Contains(d.Key) && !live.Contains(d.Key)).DistinctBy(d => d.Key, StringComparer.OrdinalIgnoreCase).ToList();
        foreach (string name in used.Where(u => !live.Contains(u) && !required.Any(r => string.Equals(r.Key, u, StringComparison.OrdinalIgnoreCase))).Order(StringComparer.Ordinal))
        {
            required.Add(new(name, string.Empty));
        }

        return required;
    }

    /// <summary>The sqlcmd command line that runs the script (values in double quotes).</summary>
    public static string SqlCmdLine(string scriptFileName, IEnumerable<KeyValuePair<string, string>> variables) =>
        $"sqlcmd -S {Text["ServerPlaceholder"]} -E -C -b -f 65001 -i \"{scriptFileName}\""
        + string.Concat(variables.Select(v => $" -v {v.Key}=\"{v.Value}\""));

    /// <summary><paramref name="script"/> with its header in front.</summary>
    public static string WithHeader(string script, ScriptHeaderFacts facts)
    {
        var variables = RequiredVariables(script);
        const string Rule = "-- ===========================================================================================";
        var header = new StringBuilder();
        header.AppendLine(Rule);
        header.AppendLine("-- " + Text["HeaderTitle", facts.PackageVersion, facts.DatabaseName]);
        header.AppendLine("-- " + facts.Purpose switch
        {
            ScriptPurpose.FirstInstall => Text["HeaderFirstInstall"],
            ScriptPurpose.UpgradeFromPackage => Text["HeaderUpgrade", facts.FromPackage ?? string.Empty],
            _ => Text["HeaderAgainstDatabase", facts.DatabaseName],
        });
        header.AppendLine("-- " + Text["HeaderSageUntouched"]);
        header.AppendLine("--");
        header.AppendLine("-- " + Text["HeaderSqlCmd"]);
        header.AppendLine("--     " + SqlCmdLine(facts.ScriptFileName, variables));
        header.AppendLine("--   " + Text["HeaderSqlCmdNotes"]);
        header.AppendLine("-- " + Text["HeaderSsms"]);
        foreach (var (name, value) in variables)
        {
            header.AppendLine($"--     :setvar {name} \"{value}\"");
        }

        header.AppendLine("--");
        header.AppendLine("-- " + Text["HeaderSysadmin"]);
        if (facts.ReportFileName is not null)
        {
            header.AppendLine("-- " + Text["HeaderReport", facts.ReportFileName]);
        }

        header.AppendLine(Rule);
        return header + script;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> as UTF-8 with BOM.</summary>
    public static void Write(string path, string text) => File.WriteAllText(path, text, FileEncoding);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_\-]*)\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\s*:setvar\s+([A-Za-z_][A-Za-z0-9_\-]*)\s+""([^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex SetVarLine();
}
