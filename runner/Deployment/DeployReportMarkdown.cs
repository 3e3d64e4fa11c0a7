using System.Text;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Deployment;

/// <summary>
/// <c>&lt;name&gt;.DeployReport.md</c>, written beside DacFx's XML report for a DBA to read: the
/// objects created, altered and dropped, the SQLCLR assembly and its trust, and the data-loss
/// warnings.
/// </summary>
public static class DeployReportMarkdown
{
    private static readonly Localizer Text = new("DeployReport");

    /// <summary>The Markdown text.</summary>
    public static string Render(DeployReport report, PackageAssembly? assembly, ScriptHeaderFacts facts)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(Text["ReportTitle", facts.PackageVersion, facts.DatabaseName]).AppendLine();
        md.AppendLine(facts.Purpose switch
        {
            ScriptPurpose.FirstInstall => Text["HeaderFirstInstall"],
            ScriptPurpose.UpgradeFromPackage => Text["HeaderUpgrade", facts.FromPackage ?? string.Empty],
            _ => Text["HeaderAgainstDatabase", facts.DatabaseName],
        });
        md.AppendLine().AppendLine(Text["ReportScript", facts.ScriptFileName]).AppendLine();

        var dataIssues = report.Alerts.Where(a => a.Name.Contains("Data", StringComparison.OrdinalIgnoreCase)).SelectMany(a => a.Issues).ToList();
        var otherAlerts = report.Alerts.Where(a => !a.Name.Contains("Data", StringComparison.OrdinalIgnoreCase)).ToList();

        md.Append("## ").AppendLine(Text["ReportDataLoss"]).AppendLine();
        if (dataIssues.Count == 0)
        {
            md.AppendLine(Text["ReportNoDataLoss"]);
        }
        else
        {
            md.AppendLine(Text["ReportDataLossBlocked"]).AppendLine();
            foreach (string issue in dataIssues)
            {
                md.Append("- ").AppendLine(issue);
            }
        }

        md.AppendLine();
        Section(md, Text["ReportCreated"], report.Of("Create"));
        Section(md, Text["ReportAltered"], report.Of("Alter"));
        Section(md, Text["ReportDropped"], report.Of("Drop"));
        foreach (var (operation, items) in report.Operations.Where(o => o.Key is not ("Create" or "Alter" or "Drop")).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            Section(md, Text["ReportOtherOperation", operation], items);
        }

        md.Append("## ").AppendLine(Text["ReportAssembly"]).AppendLine();
        md.AppendLine(assembly is null
            ? Text["ReportNoAssembly"]
            : Text["ReportAssemblyText", assembly.Name, assembly.PermissionSet, "0x" + Convert.ToHexString(assembly.Hash)]);
        md.AppendLine();

        if (otherAlerts.Count > 0)
        {
            md.Append("## ").AppendLine(Text["ReportOtherAlerts"]).AppendLine();
            foreach (var alert in otherAlerts)
            {
                foreach (string issue in alert.Issues.DefaultIfEmpty(string.Empty))
                {
                    md.Append("- ").Append(alert.Name).Append(issue.Length > 0 ? " : " + issue : string.Empty).AppendLine();
                }
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static void Section(StringBuilder md, string title, IReadOnlyList<ReportItem> items)
    {
        md.Append("## ").Append(title).Append(" (").Append(items.Count).AppendLine(")").AppendLine();
        if (items.Count == 0)
        {
            md.AppendLine(Text["ReportNone"]).AppendLine();
            return;
        }

        md.Append("| ").Append(Text["ReportObject"]).Append(" | ").Append(Text["ReportType"]).AppendLine(" |");
        md.AppendLine("|---|---|");
        foreach (var item in items)
        {
            string type = item.Type.StartsWith("Sql", StringComparison.Ordinal) ? item.Type[3..] : item.Type;
            md.Append("| `").Append(item.Name.Replace("|", "\\|", StringComparison.Ordinal)).Append("` | ").Append(type).AppendLine(" |");
        }

        md.AppendLine();
    }
}
