using System.Text;
using System.Text.RegularExpressions;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Deployment;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Deployment;

/// <summary>
/// crmdb publish without a connection: a first-install script a DBA can run as it is (UTF-8
/// with BOM, header, :setvar commented out for sqlcmd -v) and a readable Markdown deploy report.
/// </summary>
public sealed partial class OfflinePublishTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("crmdb-offline-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    private CliResult PublishOffline(params string[] extra)
    {
        // Offline means no connection anywhere: the environment's one would make publish deploy.
        string saved = Environment.GetEnvironmentVariable(Connection.EnvironmentVariable) ?? string.Empty;
        Environment.SetEnvironmentVariable(Connection.EnvironmentVariable, null);
        try
        {
            return CliRunner.Run(["publish", "--dacpac", Repository.CrmDbDacpac, "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--output", work, .. extra]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Connection.EnvironmentVariable, saved.Length == 0 ? null : saved);
        }
    }

    [Fact]
    public void The_target_is_CRM_by_default_and_named_by_database()
    {
        var byDefault = PublishOffline();
        var named = PublishOffline("--database", "CRM_PROD");

        Assert.Equal(ExitCodes.Success, byDefault.ExitCode);
        Assert.Equal(ExitCodes.Success, named.ExitCode);
        Assert.True(File.Exists(Path.Combine(work, "CrmDb.CRM.publish.sql")));
        Assert.True(File.Exists(Path.Combine(work, "CrmDb.CRM.DeployReport.md")));
        string script = File.ReadAllText(Path.Combine(work, "CrmDb.CRM_PROD.publish.sql"));
        Assert.Contains("-v DatabaseName=\"CRM_PROD\"", script, StringComparison.Ordinal);
        Assert.Contains(":setvar DatabaseName \"CRM_PROD\"", script, StringComparison.Ordinal);
        Assert.Contains("[CRM_PROD]", File.ReadAllText(Path.Combine(work, "CrmDb.CRM_PROD.DeployReport.md")), StringComparison.Ordinal);
        Assert.Contains("CrmDb.CRM_PROD.DeployReport.md", named.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_script_is_UTF8_with_BOM_and_its_header_says_what_it_is_for_and_how_to_run_it()
    {
        Assert.Equal(ExitCodes.Success, PublishOffline().ExitCode);
        byte[] bytes = File.ReadAllBytes(Path.Combine(work, "CrmDb.CRM.publish.sql"));
        string script = new UTF8Encoding(false, true).GetString(bytes, 3, bytes.Length - 3);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        string header = string.Join('\n', script.Split('\n').TakeWhile(l => l.StartsWith("--", StringComparison.Ordinal)));
        Assert.Contains("première installation de CrmDb sur une base Sage CRM existante", header, StringComparison.Ordinal);
        Assert.Contains("sqlcmd -S SERVEUR -E -C -b -f 65001 -i \"CrmDb.CRM.publish.sql\" -v DatabaseName=\"CRM\"", header, StringComparison.Ordinal);
        Assert.Contains("Mode SQLCMD", header, StringComparison.Ordinal);
        Assert.Contains("sysadmin", header, StringComparison.Ordinal);
        Assert.Contains("sys.sp_add_trusted_assembly", header, StringComparison.Ordinal);
        Assert.Contains("CrmDb.CRM.DeployReport.md", header, StringComparison.Ordinal);
        // sqlcmd substitutes $(NAME) in comments too: the header must hold none.
        Assert.DoesNotContain("$(", header, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_is_English_with_lang_en()
    {
        Assert.Equal(ExitCodes.Success, PublishOffline("--lang", "en").ExitCode);
        string script = File.ReadAllText(Path.Combine(work, "CrmDb.CRM.publish.sql"));

        Assert.Contains("-- Use: first install of CrmDb onto an existing Sage CRM database", script, StringComparison.Ordinal);
        Assert.Contains("Query menu > SQLCMD Mode", script, StringComparison.Ordinal);
        Assert.Contains("# CrmDb ", File.ReadAllText(Path.Combine(work, "CrmDb.CRM.DeployReport.md")), StringComparison.Ordinal);
        Assert.Contains("## Objects created", File.ReadAllText(Path.Combine(work, "CrmDb.CRM.DeployReport.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Split_by_crmdb_s_own_splitter_with_the_headers_v_values_the_script_targets_that_database()
    {
        Assert.Equal(ExitCodes.Success, PublishOffline("--database", "CRM_TEST").ExitCode);
        string path = Path.Combine(work, "CrmDb.CRM_TEST.publish.sql");
        string script = File.ReadAllText(path);
        var values = SqlCmdLineVariables().Match(script) is { Success: true } line
            ? VariableValue().Matches(line.Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value)
            : throw new InvalidOperationException("no sqlcmd line in the header");

        var batches = new BatchReader(new BatchReaderOptions { Variables = values }).Read(path).ToList();
        var withoutValues = Assert.Throws<BatchScriptException>(() => new BatchReader(new BatchReaderOptions()).Read(path).ToList());

        Assert.Equal(new Dictionary<string, string> { ["DatabaseName"] = "CRM_TEST" }, values);
        Assert.Contains(batches, b => b.Text.Contains("USE [CRM_TEST];", StringComparison.Ordinal));
        Assert.Contains(batches, b => b.Text.Contains("CREATE PROCEDURE dbo.MC_print", StringComparison.Ordinal));
        Assert.DoesNotContain(batches, b => b.Text.Contains("$(", StringComparison.Ordinal));
        // The :setvar declarations are commented out: without -v, DatabaseName is undefined, as under sqlcmd.
        Assert.Equal(BatchErrorKind.UndefinedVariable, withoutValues.Kind);
        Assert.Equal("DatabaseName", withoutValues.Detail);
    }

    [Fact]
    public void The_Markdown_report_lists_the_objects_the_assembly_and_its_trust_and_the_data_loss_warnings()
    {
        Assert.Equal(ExitCodes.Success, PublishOffline().ExitCode);
        string report = File.ReadAllText(Path.Combine(work, "CrmDb.CRM.DeployReport.md"));
        byte[] hash = PackageClrHash.Read(Repository.CrmDbDacpac)!;

        Assert.Contains("## Pertes de données possibles", report, StringComparison.Ordinal);
        Assert.Contains("Aucune : DacFx n'a signalé aucun changement", report, StringComparison.Ordinal);
        Assert.Matches(@"## Objets créés \(\d+\)", report);
        Assert.Contains("| `[dbo].[MC_setsysparams]` | Procedure |", report, StringComparison.Ordinal);
        Assert.Contains("## Objets modifiés (0)", report, StringComparison.Ordinal);
        Assert.Contains("## Objets supprimés (0)", report, StringComparison.Ordinal);
        Assert.Contains("`CrmDb.Clr` (PERMISSION_SET = SAFE)", report, StringComparison.Ordinal);
        Assert.Contains("0x" + Convert.ToHexString(hash), report, StringComparison.Ordinal);
        Assert.Contains("sys.sp_add_trusted_assembly", report, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Markdown_report_reads_alters_drops_and_data_issues_from_DacFx_s_XML()
    {
        const string Xml = """
            <?xml version="1.0" encoding="utf-8"?><DeploymentReport xmlns="http://schemas.microsoft.com/sqlserver/dac/DeployReport/2012/02">
            <Alerts><Alert Name="DataIssue"><Issue Value="The column [dbo].[MC_Integration].[Old] is being dropped, data loss could occur." Id="1" /></Alert></Alerts>
            <Operations>
            <Operation Name="Alter"><Item Value="[dbo].[MC_Integration]" Type="SqlTable"><Issue Id="1" /></Item><Item Value="[dbo].[MC_print]" Type="SqlProcedure" /></Operation>
            <Operation Name="Drop"><Item Value="[dbo].[MC_old]" Type="SqlProcedure" /></Operation>
            <Operation Name="Refresh"><Item Value="[dbo].[MC_runautosync]" Type="SqlProcedure" /></Operation>
            </Operations></DeploymentReport>
            """;
        var facts = new ScriptHeaderFacts(ScriptPurpose.UpgradeFromPackage, "CRM", "x.sql", "1.0.0", FromPackage: "CrmDb-0.9.dacpac");
        // Rendered in-process: this thread's language, not whatever a parallel --lang en run left as the default.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");

        string report = DeployReportMarkdown.Render(DeployReport.Parse(Xml), null, facts);

        Assert.Contains("mise à jour d'une base où est déployé le paquet CrmDb-0.9.dacpac", report, StringComparison.Ordinal);
        Assert.Contains("- The column [dbo].[MC_Integration].[Old] is being dropped, data loss could occur.", report, StringComparison.Ordinal);
        Assert.Contains("## Objets créés (0)", report, StringComparison.Ordinal);
        Assert.Contains("## Objets modifiés (2)", report, StringComparison.Ordinal);
        Assert.Contains("| `[dbo].[MC_Integration]` | Table |", report, StringComparison.Ordinal);
        Assert.Contains("## Objets supprimés (1)", report, StringComparison.Ordinal);
        Assert.Contains("| `[dbo].[MC_old]` | Procedure |", report, StringComparison.Ordinal);
        Assert.Contains("## Autres opérations : Refresh (1)", report, StringComparison.Ordinal);
        Assert.Contains("n'installe aucun assemblage", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_against_an_older_package_says_it_is_an_upgrade_from_that_package()
    {
        string older = OfflineTarget.FromScripts(work, "CrmDb-0.9", ["CREATE PROCEDURE dbo.MC_old AS SELECT 1;"]);
        string output = Path.Combine(work, "upgrade.sql");

        var result = CliRunner.Run("script", "--output", output, "--target-dacpac", older, "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        byte[] bytes = File.ReadAllBytes(output);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        string script = Encoding.UTF8.GetString(bytes);
        Assert.Contains("-- Usage : mise à jour d'une base où est déployé le paquet CrmDb-0.9.dacpac", script, StringComparison.Ordinal);
        Assert.Contains("-i \"upgrade.sql\" -v DatabaseName=\"CRM\"", script, StringComparison.Ordinal);
        // Commented out: only -v sets DatabaseName.
        var undefined = Assert.Throws<BatchScriptException>(() => new BatchReader(new BatchReaderOptions()).Read(output).ToList());
        Assert.Equal("DatabaseName", undefined.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\u0001b")]
    public void An_invalid_database_name_is_bad_input(string name)
    {
        var result = PublishOffline("--database", name);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--database", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(work));
    }

    [GeneratedRegex(@"^--\s+sqlcmd .*$", RegexOptions.Multiline)]
    private static partial Regex SqlCmdLineVariables();

    [GeneratedRegex(@"-v (\w+)=""([^""]*)""")]
    private static partial Regex VariableValue();
}
