using System.Net;
using System.Text;
using CrmDb.Clr.Doctor;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Doctor;

/// <summary>
/// The report as one self-contained HTML file a support engineer can send: inline style, no
/// script, no external resource; findings by priority with a colour per band, their details,
/// fix, and a link to their section of docs/doctor.md.
/// </summary>
public static class DoctorHtmlReport
{
    private static readonly Localizer Text = new("Doctor");

    /// <summary>The page.</summary>
    public static string Render(DoctorReport report)
    {
        bool english = DoctorReport.English;
        var html = new StringBuilder();
        string title = Text["HtmlTitle", report.Server, report.Database];
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(english ? "en" : "fr").Append("\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(E(title)).Append("</title>\n<style>\n")
            .Append("body{font-family:Segoe UI,Arial,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}")
            .Append(".finding{border-left:6px solid #888;padding:.4em .8em;margin:.6em 0;background:#f7f7f7}")
            .Append(".BandCritical{border-color:#c0392b}.BandHigh{border-color:#e67e22}.BandMedium{border-color:#f1c40f}.BandLow{border-color:#3498db}.BandInformation{border-color:#95a5a6}")
            .Append(".id{font-weight:bold;font-family:monospace}.scope{color:#555}.cannot{color:#8e44ad;font-style:italic}pre{white-space:pre-wrap;background:#eee;padding:.4em}")
            .Append("\n</style>\n</head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n<p>")
            .Append(E(Text["ReportHeader", report.Server, report.Database, report.TakenAtUtc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)]))
            .Append("</p>\n<p id=\"summary\">")
            .Append(E(Text["Summary", report.Findings.Count, report.Findings.Count(f => f.CannotCheck), report.FailOn, report.ExitCode])).Append("</p>\n");
        if (report.Findings.Count == 0)
        {
            html.Append("<p>").Append(E(Text["NoFinding"])).Append("</p>\n");
        }

        foreach (int priority in report.Priorities)
        {
            string band = DoctorTextReport.PriorityBand(priority);
            html.Append("<h2>").Append(E(Text["PriorityHeader", priority, Text[band]])).Append("</h2>\n");
            foreach (DoctorFinding finding in report.Findings.Where(f => f.Priority == priority))
            {
                html.Append("<section class=\"finding ").Append(band).Append("\" data-id=\"").Append(E(finding.Check.Id)).Append("\">\n")
                    .Append("<div><span class=\"id\">").Append(E(finding.Check.Id)).Append("</span> [").Append(E(finding.Check.Area)).Append("] ")
                    .Append(E(finding.Check.Title(english))).Append(" <span class=\"scope\">").Append(E(finding.Scope)).Append("</span></div>\n");
                if (finding.CannotCheck)
                {
                    html.Append("<div class=\"cannot\">").Append(E(Text["CannotCheck", finding.MissingRight])).Append("</div>\n");
                }
                else if (finding.Details.Length > 0)
                {
                    html.Append("<div class=\"details\">").Append(E(finding.Details)).Append("</div>\n");
                }

                html.Append("<div class=\"meaning\">").Append(E(finding.Check.Meaning(english))).Append("</div>\n");
                if (finding.Query is not null)
                {
                    html.Append("<pre>").Append(E(finding.Query)).Append("</pre>\n");
                }

                html.Append("<div class=\"fix\">").Append(E(Text["FixLine", finding.Check.Fix(english)])).Append("</div>\n")
                    .Append("<div><a href=\"").Append(E(finding.Check.Url)).Append("\">").Append(E(finding.Check.Url)).Append("</a></div>\n</section>\n");
            }
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
