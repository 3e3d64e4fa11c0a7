using System.IO.Compression;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;

namespace CrmDb.Tests.Deployment;

/// <summary>The built CrmDb.dacpac, loaded with DacFx.</summary>
public sealed class DacpacModelTests
{
    [Fact]
    public void The_package_holds_the_MC_objects_and_no_vendor_object()
    {
        using var model = TSqlModel.LoadFromDacpac(Repository.CrmDbDacpac, new ModelLoadOptions(DacSchemaModelStorageType.Memory, loadAsScriptBackedModel: true));

        var names = model.GetObjects(DacQueryScopes.UserDefined, Table.TypeClass, Procedure.TypeClass, ScalarFunction.TypeClass, View.TypeClass, Role.TypeClass)
            .Select(o => o.Name.Parts[^1])
            .ToList();

        Assert.Contains("MC_print", names);
        Assert.Contains("MC_Integration", names);
        Assert.Contains("MC_integrator", names);
        Assert.Contains("MC_support", names);
        Assert.DoesNotContain("Account", names);
        Assert.DoesNotContain("Custom_SysParams", names);
        Assert.DoesNotContain("Company", names);
        Assert.DoesNotContain("MC_expandtokens", names);
    }

    [Fact]
    public void The_model_targets_SQL_Server_2017_French_CI_AS_and_SIMPLE_recovery()
    {
        using var package = DacPackage.Load(Repository.CrmDbDacpac);
        using var model = TSqlModel.LoadFromDacpac(Repository.CrmDbDacpac, new ModelLoadOptions(DacSchemaModelStorageType.Memory, loadAsScriptBackedModel: false));

        Assert.Equal(SqlServerVersion.Sql140, model.Version);
        var options = model.CopyModelOptions();
        Assert.Equal("French_CI_AS", options.Collation);
        Assert.Equal(RecoveryMode.Simple, options.RecoveryMode);
        Assert.Equal("CrmDb", package.Name);
    }

    [Fact]
    public void The_package_references_the_vendor_and_CLR_surface_models_and_ships_the_CLR_post_deployment()
    {
        using var archive = ZipFile.OpenRead(Repository.CrmDbDacpac);
        string model = new StreamReader(archive.GetEntry("model.xml")!.Open()).ReadToEnd();
        string postDeploy = new StreamReader(archive.GetEntry("postdeploy.sql")!.Open()).ReadToEnd();

        Assert.Contains("<Metadata Name=\"LogicalName\" Value=\"SageCrm.dacpac\" />", model, StringComparison.Ordinal);
        Assert.Contains("<Metadata Name=\"LogicalName\" Value=\"CrmDb.ClrSurface.dacpac\" />", model, StringComparison.Ordinal);
        Assert.DoesNotContain("SqlAssembly", model, StringComparison.Ordinal);
        Assert.Contains("0x" + Convert.ToHexString(File.ReadAllBytes(Repository.ClrAssemblyNet48)), postDeploy, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(Repository.CrmDbDacpac)!, "SageCrm.dacpac")));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(Repository.CrmDbDacpac)!, "CrmDb.ClrSurface.dacpac")));
    }

    [Fact]
    public void The_sources_validate_with_DacFx_against_the_references_without_any_message()
    {
        // The build fails on model errors; this also fails on warnings (SQL71502 and the like),
        // which the build only prints. Sources: the model's .sql files, the vendor reference
        // model, and the stubs of the CLR wrappers, exactly what the build resolves against.
        var sources = Repository.SqlFiles()
            .Select(path => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/'))
            .Where(path => path.StartsWith("database/", StringComparison.Ordinal)
                && !path.StartsWith("database/Scripts/", StringComparison.Ordinal)
                && !path.StartsWith("database/templates/", StringComparison.Ordinal)
                && !path.StartsWith("database/build/", StringComparison.Ordinal))
            .ToList();
        var entryPoints = CrmDb.Clr.Deployment.ClrAssemblyReader.ReadEntryPoints(Repository.ClrAssemblyNet48);
        using var model = new TSqlModel(SqlServerVersion.Sql140, new TSqlModelOptions { Collation = "French_CI_AS" });
        foreach (string path in sources)
        {
            model.AddOrUpdateObjects(File.ReadAllText(Repository.PathOf(path)), path, new TSqlObjectOptions());
        }

        foreach (var entryPoint in entryPoints)
        {
            model.AddOrUpdateObjects(CrmDb.Clr.Deployment.ClrDeploymentScript.StubDefinition(entryPoint), "clr/" + entryPoint.SqlName, new TSqlObjectOptions());
        }

        var messages = model.Validate().Select(m => m.ToString()).ToList();

        Assert.Contains("database/reference/SageCrm/Tables/Account.sql", sources);
        Assert.True(messages.Count == 0, string.Join("\n", messages));
    }
}
