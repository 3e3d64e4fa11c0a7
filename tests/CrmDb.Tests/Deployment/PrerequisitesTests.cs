using System.Security.Cryptography;
using CrmDb.Runner.Deployment;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Deployment;

public sealed class PrerequisitesTests
{
    private static readonly ServerFacts Good = new(14, "14.0.3456.2", ClrEnabled: true, ClrStrictSecurity: true, "SIMPLE", AssemblyHashTrusted: false, CanTrustAssemblies: true);

    [Fact]
    public void A_2017_instance_with_CLR_SIMPLE_recovery_and_a_sysadmin_has_no_finding()
    {
        Assert.Empty(Prerequisites.Evaluate(Good));
    }

    [Fact]
    public void SQL_Server_2016_blocks_the_deployment()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { MajorVersion = 13, ProductVersion = "13.0.5026.0" }));

        Assert.True(finding.Blocking);
        Assert.Contains("13.0.5026.0", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_untrusted_assembly_without_CONTROL_SERVER_blocks_before_anything_changes()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { CanTrustAssemblies = false }));

        Assert.True(finding.Blocking);
        Assert.Contains("sp_add_trusted_assembly", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_already_trusted_assembly_needs_no_CONTROL_SERVER()
    {
        Assert.Empty(Prerequisites.Evaluate(Good with { CanTrustAssemblies = false, AssemblyHashTrusted = true }));
    }

    [Theory]
    [InlineData("FULL")]
    [InlineData("BULK_LOGGED")]
    public void A_recovery_model_other_than_SIMPLE_is_a_warning_naming_it(string model)
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { RecoveryModel = model }));

        Assert.False(finding.Blocking);
        Assert.Contains(model, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_CLR_is_a_warning_with_the_command_that_enables_it()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { ClrEnabled = false }));

        Assert.False(finding.Blocking);
        Assert.Contains("sp_configure 'clr enabled', 1", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prerequisite_query_parses()
    {
        SqlParsing.Parse(Prerequisites.Query);
    }

    [Fact]
    public void The_assembly_hash_is_read_back_from_the_package()
    {
        byte[]? hash = PackageClrHash.Read(Repository.CrmDbDacpac);

        Assert.Equal(SHA512.HashData(File.ReadAllBytes(Repository.ClrAssemblyNet48)), hash);
    }
}
