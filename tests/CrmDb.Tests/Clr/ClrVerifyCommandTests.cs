using System.Globalization;
using CrmDb.Clr.Deployment.Verification;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Clr;

/// <summary>crmdb clr verify, run as a user would: exit 0 clean, 1 with findings, 2 on bad input.</summary>
public sealed class ClrVerifyCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-clr-verify-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_shipped_assembly_is_clean_and_the_exit_code_is_0()
    {
        var result = CliRunner.Run("clr", "verify", Repository.ClrAssemblyNet48);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains("aucun constat", result.Out, StringComparison.Ordinal);
        Assert.Contains("CREATE ASSEMBLY sur un serveur", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void An_assembly_with_findings_gives_exit_code_1_and_names_each_finding()
    {
        string path = Path.Combine(folder, "Sample.dll");
        File.WriteAllBytes(path, Net48Sample.Compile("""
            using System.Collections.Generic;
            public static class Catalog
            {
                private static int runs;
                public static void Plan(List<string> names) { runs++; names.Sort((a, b) => string.CompareOrdinal(a, b)); }
            }
            """));

        var result = CliRunner.Run("clr", "verify", path, "--lang", "en");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("2 finding(s)", result.Out, StringComparison.Ordinal);
        Assert.Contains("CLR001 static field that is not readonly: Catalog::runs", result.Out, StringComparison.Ordinal);
        Assert.Contains("Catalog+<>c::<>9__", result.Out, StringComparison.Ordinal);
        Assert.Contains("non-capturing lambda", result.Out, StringComparison.Ordinal);
        Assert.Contains("Refused at CREATE ASSEMBLY, Msg 6211", result.Out, StringComparison.Ordinal);
        Assert.Contains("only happens at CREATE ASSEMBLY on a server", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_time_finding_says_when_and_with_which_message()
    {
        string path = Path.Combine(folder, "Locking.dll");
        File.WriteAllBytes(path, Net48Sample.Compile(
            "public sealed class S { private readonly object gate = new object(); public int Get(int v) { lock (gate) { return v; } } }"));

        var result = CliRunner.Run("clr", "verify", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CLR011", result.Out, StringComparison.Ordinal);
        Assert.Contains("System.Threading.Monitor::Enter", result.Out, StringComparison.Ordinal);
        Assert.Contains("Refusé à l'exécution, Msg 6522", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public void Every_rule_and_hint_has_a_title_in_each_language(string language)
    {
        var text = new Localizer("Clr");
        var culture = CultureInfo.GetCultureInfo(language);
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            Assert.All(ClrHostRules.All, rule => Assert.False(string.IsNullOrWhiteSpace(text["Rule" + rule.Code])));
            Assert.All(Enum.GetValues<ClrFindingHint>().Where(h => h != ClrFindingHint.None), hint => Assert.False(string.IsNullOrWhiteSpace(text["Hint" + hint])));
            Assert.Equal(ClrHostRules.All.Count, ClrHostRules.All.Select(r => r.Code).Distinct().Count());
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void A_missing_file_gives_exit_code_2_with_a_clear_message()
    {
        string path = Path.Combine(folder, "absent.dll");

        var result = CliRunner.Run("clr", "verify", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(path, result.Error, StringComparison.Ordinal);
        Assert.Contains("n'existe pas", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_gives_exit_code_2_with_a_clear_message()
    {
        string path = Path.Combine(folder, "notes.dll");
        File.WriteAllText(path, "not an assembly");

        var result = CliRunner.Run("clr", "verify", path, "--lang", "en");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{path}' is not a .NET assembly", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void A_folder_without_reference_assemblies_gives_exit_code_2()
    {
        var result = CliRunner.Run("clr", "verify", Repository.ClrAssemblyNet48, "--reference-assemblies", folder, "--lang", "en");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--reference-assemblies", result.Error, StringComparison.Ordinal);
    }
}
