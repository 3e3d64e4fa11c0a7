using System.Diagnostics;
using System.Globalization;
using CrmDb.Clr.Doctor;
using CrmDb.Runner.Doctor;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Doctor;

/// <summary>
/// The HTML report as a browser shows it: headless Chromium (Debian's package, which .ci/run
/// installs) renders a report holding a finding of every check, and the rendered DOM
/// (--dump-dom) must show each one; the page and its screenshot are kept under
/// TestResults/doctor as artefacts. Skipped, with the reason, where Chromium is not installed.
/// </summary>
public sealed class DoctorHtmlRenderingTests
{
    [SkippableFact]
    public void Chromium_renders_every_finding_of_the_report()
    {
        string chromium = Chromium();
        string folder = Repository.PathOf("TestResults", "doctor");
        Directory.CreateDirectory(folder);
        string page = Path.Combine(folder, "doctor-report.html");
        string screenshot = Path.Combine(folder, "doctor-report.png");
        var findings = DoctorCatalog.All().Select((c, i) => i % 5 == 4
            ? new DoctorFinding(c, "database:CRM", string.Empty, "VIEW SERVER STATE", null, null)
            : new DoctorFinding(c, "server", "fact = <" + c.Id + ">", null, c.Area is "GesCom" or "Exchange" ? 3 : null, c.Area is "GesCom" or "Exchange" ? "SELECT 1 AS x;" : null)).ToList();
        var report = new DoctorReport("SRV01", "CRM", new DateTime(2026, 12, 1, 22, 0, 0, DateTimeKind.Utc), findings.OrderBy(f => f.Priority).ToList(), 100);
        var culture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo("fr");
        try
        {
            File.WriteAllText(page, DoctorHtmlReport.Render(report));
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }

        string dom = Run(chromium, "--dump-dom", new Uri(page).AbsoluteUri);
        Run(chromium, "--screenshot=" + screenshot, "--window-size=1280,4000", new Uri(page).AbsoluteUri);

        foreach (DoctorCheck check in DoctorCatalog.All())
        {
            Assert.Contains($"data-id=\"{check.Id}\"", dom, StringComparison.Ordinal);
            Assert.Contains(check.TitleFr, dom, StringComparison.Ordinal);
        }

        Assert.Contains("Impossible à vérifier : il faut VIEW SERVER STATE.", dom, StringComparison.Ordinal);
        Assert.Contains("fact = &lt;DOC-101&gt;", dom, StringComparison.Ordinal);
        Assert.True(new FileInfo(screenshot).Length > 0, "no screenshot");
    }

    private static string Chromium()
    {
        string? reason = Environment.GetEnvironmentVariable("CRMDB_CHROMIUM_SKIP_REASON");
        Skip.If(!string.IsNullOrEmpty(reason), reason);
        string? found = new[] { Environment.GetEnvironmentVariable("CRMDB_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        Skip.If(found is null, "Chromium is not installed (apt-get install -y chromium; .ci/run installs it): the HTML report is not rendered.");
        return found!;
    }

    private static string Run(string chromium, params string[] arguments)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // As root (CI containers) Chromium needs --no-sandbox.
        foreach (string argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "Chromium did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"Chromium exited {process.ExitCode}: {error.Result}");
        return output;
    }
}
