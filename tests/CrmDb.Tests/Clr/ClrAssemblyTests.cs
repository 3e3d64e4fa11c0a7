using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using CrmDb.Clr.Deployment.Verification;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Clr;

/// <summary>
/// What SQL Server's SAFE permission set asks of CrmDb.Clr, judged on the net48 bytes that ship
/// (the file CREATE ASSEMBLY receives), compiler-generated members included.
/// </summary>
public sealed class ClrAssemblyTests
{
    [Fact]
    public void The_shipped_net48_assembly_passes_every_SAFE_rule()
    {
        using var catalog = new HostProtectionCatalog(Net48ReferenceFolder.Default);

        var result = SafeAssemblyVerifier.Verify(Repository.ClrAssemblyNet48, catalog);

        Assert.Equal("CrmDb.Clr", result.AssemblyName);
        Assert.True(result.IsClean, Net48Sample.Describe(result.Findings));
    }

    [Fact]
    public void The_shipped_net48_assembly_holds_no_static_field_that_is_not_readonly()
    {
        // Read straight from metadata, independently of the verifier: every type, nested and
        // compiler-generated ones (<>c, <>O, ...) included; only const and initonly fields pass.
        using var pe = new PEReader(File.OpenRead(Repository.ClrAssemblyNet48));
        var reader = pe.GetMetadataReader();

        var mutable = reader.TypeDefinitions
            .SelectMany(t => reader.GetTypeDefinition(t).GetFields().Select(f => (Type: t, Field: reader.GetFieldDefinition(f))))
            .Where(x => (x.Field.Attributes & FieldAttributes.Static) != 0
                && (x.Field.Attributes & (FieldAttributes.InitOnly | FieldAttributes.Literal)) == 0)
            .Select(x => reader.GetString(reader.GetTypeDefinition(x.Type).Name) + "::" + reader.GetString(x.Field.Name))
            .ToList();

        Assert.True(mutable.Count == 0, "Static fields that are not readonly: " + string.Join(", ", mutable));
    }

    [Fact]
    public void The_net48_assembly_references_only_what_SQL_Server_lets_a_SAFE_assembly_load()
    {
        using var pe = new PEReader(File.OpenRead(Repository.ClrAssemblyNet48));
        var reader = pe.GetMetadataReader();

        var references = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();

        // mscorlib, not System.Runtime: these are the .NET Framework bytes, not the net10.0 build.
        Assert.Contains("mscorlib", references);
        Assert.All(references, name => Assert.True(ClrHostRules.IsSupportedAssembly(name), name + " is not a library SQL Server loads"));
    }

    [Fact]
    public void System_Numerics_is_not_among_the_supported_libraries()
    {
        // Microsoft's "Supported .NET Framework Libraries" does not list it: a SAFE assembly that
        // references it fails at CREATE ASSEMBLY unless System.Numerics is registered first.
        Assert.False(ClrHostRules.IsSupportedAssembly("System.Numerics"));
        Assert.True(ClrHostRules.IsSupportedAssembly("System.Xml"));
    }

    [Fact]
    public void The_reference_assemblies_beside_the_program_are_the_supported_libraries()
    {
        // CrmDb.Clr.Deployment.csproj copies them; its list must be ClrHostRules' list.
        var copied = Directory.EnumerateFiles(Net48ReferenceFolder.Default, "*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(ClrHostRules.SupportedAssemblies.Order(StringComparer.OrdinalIgnoreCase), copied!);
    }
}
