using CrmDb.Clr.Doctor;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Doctor;

/// <summary>The report as text, grouped by priority (crmdb doctor --format text).</summary>
public static class DoctorTextReport
{
    private static readonly Localizer Text = new("Doctor");

    /// <summary>Writes <paramref name="report"/>.</summary>
    public static void Write(TextWriter output, DoctorReport report)
    {
        bool english = DoctorReport.English;
        output.WriteLine(Text["ReportHeader", report.Server, report.Database, report.TakenAtUtc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)]);
        if (report.Findings.Count == 0)
        {
            output.WriteLine(Text["NoFinding"]);
            return;
        }

        foreach (int priority in report.Priorities)
        {
            output.WriteLine();
            output.WriteLine(Text["PriorityHeader", priority, Text[PriorityBand(priority)]]);
            foreach (DoctorFinding finding in report.Findings.Where(f => f.Priority == priority))
            {
                output.WriteLine(Text["FindingLine", finding.Check.Id, finding.Check.Area, finding.Check.Title(english), finding.Scope]);
                if (finding.CannotCheck)
                {
                    output.WriteLine("    " + Text["CannotCheck", finding.MissingRight]);
                }
                else if (finding.Details.Length > 0)
                {
                    output.WriteLine("    " + finding.Details);
                }

                if (finding.Query is not null)
                {
                    output.WriteLine("    " + Text["DetailsHint", finding.Check.Id]);
                }

                output.WriteLine("    " + Text["FixLine", finding.Check.Fix(english)]);
                output.WriteLine("    " + finding.Check.Url);
            }
        }

        output.WriteLine();
        output.WriteLine(Text["Summary", report.Findings.Count, report.Findings.Count(f => f.CannotCheck), report.FailOn, report.ExitCode]);
    }

    /// <summary>The resource key of a priority's band, as sp_Blitz groups them.</summary>
    public static string PriorityBand(int priority) => priority switch
    {
        <= 10 => "BandCritical",
        <= 50 => "BandHigh",
        <= 100 => "BandMedium",
        <= 200 => "BandLow",
        _ => "BandInformation",
    };

    /// <summary>The catalogue (crmdb doctor --list).</summary>
    public static void WriteCatalog(TextWriter output)
    {
        bool english = DoctorReport.English;
        foreach (DoctorCheck check in DoctorCatalog.All())
        {
            output.WriteLine($"{check.Id}  {check.Priority,3}  {check.Area,-11}  {check.Title(english)}");
        }
    }

    /// <summary>One check's entry (crmdb doctor --details).</summary>
    public static void WriteCheck(TextWriter output, DoctorCheck check)
    {
        bool english = DoctorReport.English;
        output.WriteLine($"{check.Id} — {check.Title(english)}");
        output.WriteLine(Text["CheckFacts", check.Priority, check.Area]);
        output.WriteLine(Text["MeaningLine", check.Meaning(english)]);
        output.WriteLine(Text["FixLine", check.Fix(english)]);
        output.WriteLine(check.Url);
    }
}
