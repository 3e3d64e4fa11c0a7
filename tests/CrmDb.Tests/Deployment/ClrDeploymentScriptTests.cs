using System.Reflection;
using System.Security.Cryptography;
using CrmDb.Clr.Deployment;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Deployment;

/// <summary>The generated CLR post-deployment script, read from the very net48 assembly SQL Server loads.</summary>
public sealed class ClrDeploymentScriptTests
{
    private static readonly byte[] Bytes = File.ReadAllBytes(Repository.ClrAssemblyNet48);
    private static readonly IReadOnlyList<ClrEntryPoint> EntryPoints = ClrAssemblyReader.ReadEntryPoints(Repository.ClrAssemblyNet48);

    [Fact]
    public void Every_attributed_method_of_the_assembly_gets_a_wrapper_and_nothing_else_does()
    {
        // Cross-check the metadata reader against reflection over the same source built for .NET.
        var expected = typeof(CrmDb.Clr.SqlName).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .SelectMany(m => m.CustomAttributes
                .Where(a => a.AttributeType.Name is "SqlFunctionAttribute" or "SqlProcedureAttribute")
                .Select(a => a.NamedArguments.FirstOrDefault(n => n.MemberName == "Name").TypedValue.Value as string ?? m.Name))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, EntryPoints.Select(e => e.SqlName).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Wrapper_signatures_come_from_the_attributes_and_facets()
    {
        var expand = Assert.Single(EntryPoints, e => e.SqlName == "MC_expandtokens");

        Assert.Equal(ClrEntryPointKind.ScalarFunction, expand.Kind);
        Assert.Equal("nvarchar(max)", expand.ReturnSqlType);
        Assert.Equal(["sql nvarchar(max)", "server nvarchar(128)", "database nvarchar(128)"],
            expand.Parameters.Select(p => p.Name + " " + p.SqlType));
        Assert.Equal(
            "CREATE FUNCTION [dbo].[MC_expandtokens](@sql nvarchar(max), @server nvarchar(128), @database nvarchar(128)) RETURNS nvarchar(max) AS EXTERNAL NAME [CrmDb.Clr].[CrmDb.Clr.SqlEntryPoints].[ExpandTokens];",
            ClrDeploymentScript.WrapperDefinition("CrmDb.Clr", expand));
    }

    [Fact]
    public void The_script_creates_the_assembly_from_its_bytes_as_SAFE_and_trusts_its_SHA2_512_hash_once()
    {
        string script = ClrDeploymentScript.Build("CrmDb.Clr", "1.0.0.0", Bytes, EntryPoints);

        Assert.Contains("DECLARE @ClrBytes varbinary(max) = 0x" + Convert.ToHexString(Bytes) + ";", script, StringComparison.Ordinal);
        Assert.Contains("DECLARE @ClrHash varbinary(64) = 0x" + Convert.ToHexString(SHA512.HashData(Bytes)) + ";", script, StringComparison.Ordinal);
        Assert.Contains("IF NOT EXISTS (SELECT 1 FROM sys.trusted_assemblies WHERE hash = @ClrHash)", script, StringComparison.Ordinal);
        Assert.Contains("EXEC sys.sp_add_trusted_assembly @hash = @ClrHash", script, StringComparison.Ordinal);
        Assert.Contains("FROM @bytes WITH PERMISSION_SET = SAFE", script, StringComparison.Ordinal);
        Assert.DoesNotContain("UNSAFE", script, StringComparison.Ordinal);
        Assert.DoesNotContain("EXTERNAL_ACCESS", script, StringComparison.Ordinal);
        Assert.DoesNotContain("TRUSTWORTHY", script, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unchanged_assembly_is_left_alone_and_a_changed_one_is_replaced_with_its_wrappers()
    {
        string script = ClrDeploymentScript.Build("CrmDb.Clr", "1.0.0.0", Bytes, EntryPoints);

        // The replacement block runs only when no assembly of that name has exactly these bytes.
        Assert.Contains("WHERE a.name = @ClrName AND HASHBYTES('SHA2_512', f.content) = @ClrHash)", script, StringComparison.Ordinal);
        int replace = script.IndexOf("FROM sys.assembly_modules AS m", StringComparison.Ordinal);
        int drop = script.IndexOf("N'DROP ASSEMBLY '", StringComparison.Ordinal);
        int create = script.IndexOf("N'CREATE ASSEMBLY '", StringComparison.Ordinal);
        Assert.True(replace > 0 && replace < drop && drop < create, "wrappers are dropped, then the assembly, then it is created");
        foreach (var entryPoint in EntryPoints)
        {
            Assert.Contains($"IF OBJECT_ID(N'[dbo].[{entryPoint.SqlName}]') IS NULL", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_script_and_every_wrapper_parse_as_TSql140()
    {
        string script = ClrDeploymentScript.Build("CrmDb.Clr", "1.0.0.0", Bytes, EntryPoints);

        SqlParsing.Parse(script);
        foreach (var entryPoint in EntryPoints)
        {
            SqlParsing.Parse(ClrDeploymentScript.WrapperDefinition("CrmDb.Clr", entryPoint));
            SqlParsing.Parse(ClrDeploymentScript.StubDefinition(entryPoint));
        }
    }

    [Fact]
    public void Hostile_assembly_and_entry_point_names_are_quoted()
    {
        var entryPoint = new ClrEntryPoint(ClrEntryPointKind.ScalarFunction, "f]x", "N.C]", "M", [new ClrParameter("p", "int", false)], "int", null);

        string wrapper = ClrDeploymentScript.WrapperDefinition("A]'B", entryPoint);

        Assert.Equal("CREATE FUNCTION [dbo].[f]]x](@p int) RETURNS int AS EXTERNAL NAME [A]]'B].[N.C]]].[M];", wrapper);
        SqlParsing.Parse(ClrDeploymentScript.Build("A]'B", "1.0.0.0", [1, 2, 3], [entryPoint]));
    }
}
