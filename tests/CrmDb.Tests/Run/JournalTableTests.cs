using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;

namespace CrmDb.Tests.Run;

/// <summary>
/// The journal's status column was widened for 'interrupted': DacFx deploys that from the model
/// alone, in place and without a data-loss alert, so no migration script is needed. Checked by
/// asking DacFx for the script from the previous definition to the current one (no server).
/// </summary>
public sealed class JournalTableTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-journal-model-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Package(string name, string tableSql)
    {
        string path = Path.Combine(folder, name + ".dacpac");
        using var model = new TSqlModel(SqlServerVersion.Sql150, new TSqlModelOptions());
        model.AddObjects(tableSql);
        DacPackageExtensions.BuildPackage(path, model, new PackageMetadata { Name = name, Version = "1.0.0.0" });
        return path;
    }

    [Fact]
    public void The_widened_status_deploys_in_place_over_the_previous_table_without_data_loss()
    {
        string current = File.ReadAllText(Repository.PathOf("database", "dbo", "Tables", "MC_ScriptJournal.sql"));
        Assert.Contains("Status         nvarchar(20)", current, StringComparison.Ordinal);
        Assert.Contains("N'interrupted'", current, StringComparison.Ordinal);
        string previous = current
            .Replace("Status         nvarchar(20)", "Status         nvarchar(10)", StringComparison.Ordinal)
            .Replace(", N'interrupted'", string.Empty, StringComparison.Ordinal);

        using var source = DacPackage.Load(Package("current", current));
        using var target = DacPackage.Load(Package("previous", previous));
        string script = DacServices.GenerateDeployScript(source, target, "CRM", new DacDeployOptions { BlockOnPossibleDataLoss = true });

        Assert.Contains("ALTER COLUMN [Status] NVARCHAR (20) NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("CK_MC_ScriptJournal_Status", script, StringComparison.Ordinal);
        // No rebuild of the table (DacFx copies through tmp_ms_xx_ tables when it must) and no data-loss check.
        Assert.DoesNotContain("tmp_ms_xx", script, StringComparison.Ordinal);
        Assert.DoesNotContain("Rows were detected", script, StringComparison.Ordinal);
    }
}
