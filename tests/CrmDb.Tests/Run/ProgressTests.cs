namespace CrmDb.Tests.Run;

/// <summary>The progress line: on an interactive console only.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void An_interactive_console_shows_script_batch_and_elapsed_time_and_clears_it()
    {
        fixture.Write("a.sql", "SELECT 1\nGO\nSELECT 2");
        fixture.Write("b.sql", "SELECT 3");

        var (_, output) = fixture.Run(fixture.Request(), interactive: true);

        Assert.Contains("Script 1/2, lot 1/2, 00:00:00", output, StringComparison.Ordinal);
        Assert.Contains("Script 1/2, lot 2/2, 00:00:00", output, StringComparison.Ordinal);
        Assert.Contains("Script 2/2, lot 1/1, 00:00:00", output, StringComparison.Ordinal);
        Assert.Contains("\r", output, StringComparison.Ordinal);
        // Cleared before the summary: no progress text on the summary's line.
        string summaryLine = output.Split('\n').Single(l => l.Contains("=== Résumé ===", StringComparison.Ordinal));
        Assert.DoesNotContain("Script", summaryLine.Split('\r').Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void Redirected_output_gets_no_progress_line()
    {
        fixture.Write("a.sql", "SELECT 1\nGO\nSELECT 2");

        var (_, output) = fixture.Run(fixture.Request(), interactive: false);

        Assert.DoesNotContain("\r", output, StringComparison.Ordinal);
        Assert.DoesNotContain("lot 1/2,", output, StringComparison.Ordinal);
    }
}
