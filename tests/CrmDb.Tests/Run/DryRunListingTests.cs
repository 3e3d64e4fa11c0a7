using System.Text;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>
/// A dry run whose GesCom location is known before the scripts are read lists each batch in the
/// plan's one read (DryRunListing); with --integration it reads each script a second time once
/// the server has given the location. Both must write the same listing, byte for byte.
/// </summary>
public sealed class DryRunListingTests : IDisposable
{
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void One_read_lists_byte_for_byte_what_a_second_read_lists()
    {
        WriteVariedScripts();

        string once = Listing(fixture.Request() with { DryRun = true, GesComDatabase = "BIJOU" }, "ONE");
        fixture.Database.Integrations[1] = (string.Empty, "BIJOU");
        string twice = Listing(fixture.Request() with { DryRun = true, Integration = 1, ConnectionString = "Server=SRV-CRM;Database=CRM" }, "TWO");

        Assert.Equal(1, fixture.Database.Connections);
        Assert.Equal(twice, once);

        // What the comparison covers: several scripts, a batch across many 64 KiB blocks, the
        // line ends and characters of the scripts below, the EXIT and the scripts after it.
        Assert.Contains("=== Script 3/4 : c-exit.sql (1 lot(s), somme de contrôle", once, StringComparison.Ordinal);
        Assert.Contains("--- Lot 2/5 (a.sql, ligne 3), serait exécuté 3 fois ---\r\nPRINT N'élan moi 😀'\r\n\r\n", once, StringComparison.Ordinal);
        Assert.Contains("SELECT '[BIJOU].dbo.F_ARTICLE' AS x, ******** AS p", once, StringComparison.Ordinal);
        Assert.Contains("SELECT 'saut\r\nde page\r\nU+2028\r\nU+0085\r\nCR seul\r\nfin'", once, StringComparison.Ordinal);
        Assert.Contains("EXIT dans c-exit.sql : une exécution réelle s'arrêterait là.", once, StringComparison.Ordinal);
        Assert.Contains("d-after.sql", once[once.IndexOf("EXIT dans", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain("jamais listé", once, StringComparison.Ordinal);
        Assert.True(once.Length > 300_000, $"the listing holds the large batch ({once.Length} characters)");
        Assert.Contains(new string('x', 200_000), once, StringComparison.Ordinal);
    }

    [Fact]
    public void The_listing_file_is_gone_after_the_dry_run_and_after_a_script_error()
    {
        fixture.Write("a.sql", "SELECT 1\nGO\nSELECT 2\n");

        var (ok, _) = fixture.Run(fixture.Request() with { DryRun = true });
        fixture.Write("b.sql", "SELECT 'jamais fermé");
        var (bad, output) = fixture.Run(fixture.Request() with { DryRun = true });

        Assert.Equal(ExitCodes.Success, ok.ExitCode);
        Assert.Equal(ExitCodes.BadInput, bad.ExitCode);
        Assert.Contains("b.sql, ligne 1 : chaîne '...' ouverte ici", output, StringComparison.Ordinal);
        Assert.Equal(["20260307bachsql_CRMPLUS.dry-run.log"], Directory.GetFiles(fixture.Logs).Select(Path.GetFileName));
    }

    private void WriteVariedScripts()
    {
        fixture.Write("a.sql", "SELECT 1\nGO\nPRINT N'élan $(Who) 😀'\nGO 3\n:r inc/inc.sql\nSELECT '#F_ARTICLE#' AS x, $(MyPassword) AS p\r\nGO\r\n"
            + "SELECT 'saut\fde page\u2028U+2028\u0085U+0085\rCR seul\r\nfin'\nGO\n");
        Directory.CreateDirectory(Path.Combine(fixture.Scripts, "inc"));
        File.WriteAllText(Path.Combine(fixture.Scripts, "inc", "inc.sql"), "CREATE TABLE t(i int)\nGO\nINSERT t VALUES(1)\n");
        var large = new StringBuilder("INSERT t VALUES\n");
        for (int i = 0; i < 2000; i++)
        {
            large.Append("('").Append(new string('y', 100)).Append("'),\n");
        }

        fixture.Write("b-large.sql", large.Append("('").Append(new string('x', 200_000)).Append("')\nGO\nSELECT 'après'\n").ToString());
        fixture.Write("c-exit.sql", "/* GO */ SELECT 2\nGO\nEXIT\nSELECT 'jamais listé'\nGO\n");
        fixture.Write("d-after.sql", "SELECT 4\nGO\n");
    }

    /// <summary>The dry-run log of <paramref name="component"/> from its first script on (the header names the options and the connection, which differ).</summary>
    private string Listing(RunRequest request, string component)
    {
        var options = request with
        {
            Component = component,
            Variables = new Dictionary<string, string> { ["Who"] = "moi", ["MyPassword"] = "secret" },
        };
        var (result, output) = fixture.Run(options);
        Assert.True(result.ExitCode == ExitCodes.Success, output);
        string log = File.ReadAllText(result.LogPath!);
        return log[log.IndexOf("=== Script 1/", StringComparison.Ordinal)..];
    }
}
