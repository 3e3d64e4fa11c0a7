using System.Text.Encodings.Web;
using System.Text.Json;
using CrmDb.Clr.Doctor;

namespace CrmDb.Runner.Doctor;

/// <summary>The report and the catalogue as JSON (crmdb doctor --format json).</summary>
public static class DoctorJsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>An array of objects with id, priority, area, title, url (and the texts in both languages).</summary>
    public static string Catalog()
    {
        bool english = DoctorReport.English;
        var items = DoctorCatalog.All().Select(c => new
        {
            id = c.Id,
            priority = c.Priority,
            area = c.Area,
            title = c.Title(english),
            titleFr = c.TitleFr,
            titleEn = c.TitleEn,
            meaning = c.Meaning(english),
            fix = c.Fix(english),
            url = c.Url,
        });
        return JsonSerializer.Serialize(items, Options);
    }

    /// <summary>The run: server, database, time, exit code and one object per finding.</summary>
    public static string Report(DoctorReport report)
    {
        bool english = DoctorReport.English;
        var document = new
        {
            server = report.Server,
            database = report.Database,
            takenAtUtc = report.TakenAtUtc.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            failOn = report.FailOn,
            exitCode = report.ExitCode,
            findings = report.Findings.Select(f => new
            {
                id = f.Check.Id,
                priority = f.Priority,
                area = f.Check.Area,
                title = f.Check.Title(english),
                scope = f.Scope,
                cannotCheck = f.CannotCheck,
                missingRight = f.MissingRight,
                details = f.Details,
                rows = f.RowCount,
                query = f.Query,
                fix = f.Check.Fix(english),
                url = f.Check.Url,
            }),
        };
        return JsonSerializer.Serialize(document, Options);
    }
}
