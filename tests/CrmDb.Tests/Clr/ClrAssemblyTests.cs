using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Clr;

/// <summary>What SQL Server's SAFE permission set and docs/design.md ask of CrmDb.Clr.</summary>
public sealed class ClrAssemblyTests
{
    [Fact]
    public void The_assembly_has_no_mutable_static_state()
    {
        var mutable = typeof(CrmDb.Clr.SqlName).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => !f.IsInitOnly && !f.IsLiteral && !f.Name.Contains("<", StringComparison.Ordinal))
            .Select(f => f.DeclaringType!.FullName + "." + f.Name)
            .ToList();

        Assert.True(mutable.Count == 0, "Mutable static fields: " + string.Join(", ", mutable));
    }

    [Fact]
    public void The_net48_assembly_references_only_what_SQL_Server_lets_a_SAFE_assembly_load()
    {
        // Assemblies that SQL Server's CLR host loads from the GAC for any SAFE assembly.
        string[] supported = ["mscorlib", "System", "System.Data", "System.Xml", "System.Core", "System.Numerics", "System.Transactions"];
        using var stream = File.OpenRead(Repository.ClrAssemblyNet48);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();

        var references = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();

        Assert.Contains("mscorlib", references);
        Assert.All(references, name => Assert.Contains(name, supported));
    }
}
