using System.Globalization;
using CrmDb.Clr.Doctor;

namespace CrmDb.Runner.Doctor;

/// <summary>One run of the doctor: where, when, and the findings by priority.</summary>
public sealed record DoctorReport(string Server, string Database, DateTime TakenAtUtc, IReadOnlyList<DoctorFinding> Findings, int FailOn)
{
    /// <summary>Whether texts are English (--lang en), else French.</summary>
    public static bool English => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>The exit code: 1 when a finding is as urgent as <see cref="FailOn"/>.</summary>
    public int ExitCode => DoctorRules.ExitCode(Findings.ToList(), FailOn);

    /// <summary>The distinct priorities, most urgent first.</summary>
    public IEnumerable<int> Priorities => Findings.Select(f => f.Priority).Distinct().Order();
}
