using System.Text.Json;
using CrmDb.Clr.Doctor;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Doctor;

/// <summary>crmdb doctor without a server: the catalogue, usage errors, and a connection failure as a finding.</summary>
public sealed class DoctorCommandTests
{
    private static readonly Dictionary<string, string?> NoConnection = new() { ["CRMDB_CONNECTION"] = null, ["CRMDB_PASSWORD"] = "x" };

    [Fact]
    public void List_as_JSON_is_an_array_of_every_check_with_id_priority_area_title_url()
    {
        var result = CliRunner.RunWithEnvironment(NoConnection, "doctor", "--list", "--format", "json", "--lang", "en");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Out);
        var items = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(DoctorCatalog.All().Length, items.Count);
        Assert.All(items, item =>
        {
            foreach (string property in new[] { "id", "priority", "area", "title", "url" })
            {
                Assert.True(item.TryGetProperty(property, out _), property);
            }
        });
        Assert.Contains(items, i => i.GetProperty("id").GetString() == "DOC-504" && i.GetProperty("title").GetString() == "Document lines without a header");
    }

    [Fact]
    public void List_as_text_is_French_by_default()
    {
        var result = CliRunner.RunWithEnvironment(NoConnection, "doctor", "--list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("DOC-602", result.Out, StringComparison.Ordinal);
        Assert.Contains("Rendez-vous dont le début égale la fin", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fail-on", "0")]
    [InlineData("--details", "DOC-999")]
    [InlineData("--format", "xml")]
    public void Bad_usage_exits_2_with_a_message_naming_the_option(string option, string value)
    {
        var result = CliRunner.RunWithEnvironment(NoConnection, "doctor", "--list", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Details_without_a_server_print_the_check()
    {
        var result = CliRunner.RunWithEnvironment(NoConnection, "doctor", "--details", "doc-501", "--lang", "en");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("DOC-501 — Payer (CT_NumPayeur) missing", result.Out, StringComparison.Ordinal);
        Assert.Contains("docs/doctor.md#doc-501", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_failure_is_finding_DOC_001_and_exits_1()
    {
        var result = CliRunner.RunWithEnvironment(NoConnection, "doctor", "-S", "127.0.0.1,1", "-d", "CRM", "-U", "sa", "--timeout", "2", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var document = JsonDocument.Parse(result.Out);
        var finding = Assert.Single(document.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("DOC-001", finding.GetProperty("id").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void The_HTML_report_goes_to_the_output_file()
    {
        string file = Path.Combine(Path.GetTempPath(), "crmdb-doctor-" + Guid.NewGuid().ToString("N") + ".html");
        try
        {
            var result = CliRunner.RunWithEnvironment(NoConnection, "doctor", "-S", "127.0.0.1,1", "-d", "CRM", "-U", "sa", "--timeout", "2", "--format", "html", "--output", file);

            Assert.Equal(1, result.ExitCode);
            string html = File.ReadAllText(file);
            Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
            Assert.Contains("data-id=\"DOC-001\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
