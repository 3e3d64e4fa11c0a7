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
        Assert.Contains("EXEC sys.sp_add_trusted_assembly @hash = @hash, @description = @description;", script, StringComparison.Ordinal);
        Assert.Single(AllIndexesOf(script, "sys.sp_add_trusted_assembly @hash"));
        Assert.Contains("FROM @bytes WITH PERMISSION_SET = SAFE", script, StringComparison.Ordinal);
        Assert.DoesNotContain("UNSAFE", script, StringComparison.Ordinal);
        Assert.DoesNotContain("EXTERNAL_ACCESS", script, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"SET\s+TRUSTWORTHY\s+ON", script);
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
    public void The_trust_step_is_skipped_without_reading_server_views_when_this_database_holds_the_hash()
    {
        string script = ClrDeploymentScript.Build("CrmDb.Clr", "1.1.0.0", Bytes, EntryPoints);

        // The database's own catalog (readable by db_owner) decides first; the server view is read
        // only when it does not hold the hash, and only when HAS_PERMS_BY_NAME grants the right.
        Assert.Contains("IF @CanReadTrustedAssemblies = 1 AND (@AssemblyInDatabase = 0 OR @CanTrustAssemblies = 1)", script, StringComparison.Ordinal);
        Assert.Contains("HAS_PERMS_BY_NAME(NULL, NULL, @TrustViewPermission)", script, StringComparison.Ordinal);
        Assert.Contains("CASE WHEN @MajorVersion >= 16 THEN N'VIEW SERVER SECURITY STATE' ELSE N'VIEW SERVER STATE' END", script, StringComparison.Ordinal);
        int skip = script.IndexOf("ELSE IF @AssemblyInDatabase = 1 AND @AssemblyHashTrusted IS NULL", StringComparison.Ordinal);
        int trust = script.IndexOf("sys.sp_add_trusted_assembly @hash", StringComparison.Ordinal);
        Assert.True(skip > 0 && skip < trust, "the trust call comes after the check of this database's own assemblies");
    }

    [Fact]
    public void The_guard_evaluates_every_row_of_the_prerequisite_table_before_the_assembly_is_touched()
    {
        string script = ClrDeploymentScript.Build("CrmDb.Clr", "1.1.0.0", Bytes, EntryPoints);
        int firstChange = script.IndexOf("EXEC sys.sp_add_trusted_assembly @hash", StringComparison.Ordinal);
        int leave = script.IndexOf("IF @PrereqBlocked = 1", StringComparison.Ordinal);

        foreach (var rule in CrmDb.Clr.Deployment.Prerequisites.PrerequisiteTable.Rules)
        {
            int row = script.IndexOf("SET @PrereqOutcome = CASE WHEN " + rule.When.ToSql() + " THEN 1", StringComparison.Ordinal);
            Assert.True(row > 0 && row < leave, rule.Id + " is evaluated by the guard");
            Assert.Contains("VALUES (" + (rule.Blocking ? "1" : "0") + ", ", script[row..], StringComparison.Ordinal);
        }

        Assert.True(leave < firstChange, "a blocking finding leaves the batch before anything changes");
        Assert.Contains("RAISERROR(N'%s', 16, 1, @PrereqMessage);", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_databases_on_one_instance_keep_the_hash_the_other_one_uses()
    {
        // Production (CRM) holds build A; a test copy (CRM_TEST) is published with build B.
        byte[] buildB = (byte[])Bytes.Clone();
        buildB[^1] ^= 0xFF;
        string productionScript = ClrDeploymentScript.Build("CrmDb.Clr", "1.1.0.0", Bytes, EntryPoints);
        string testCopyScript = ClrDeploymentScript.Build("CrmDb.Clr", "1.2.0.0", buildB, EntryPoints);

        foreach (string script in new[] { productionScript, testCopyScript })
        {
            var parsed = SqlParsing.Parse(script);

            // Candidates: the other builds of this assembly, never its own hash.
            Assert.Contains("FROM sys.trusted_assemblies WHERE description LIKE @pattern AND hash <> @hash;", script, StringComparison.Ordinal);
            Assert.Contains("@pattern = N'crmdb.clr, version=%'", script, StringComparison.Ordinal);

            // Every database of the instance is read; a candidate some database holds is kept.
            Assert.Contains("SELECT name, state_desc FROM sys.databases ORDER BY name;", script, StringComparison.Ordinal);
            Assert.Contains("N'DELETE h FROM #ClrStaleHashes AS h WHERE EXISTS (SELECT 1 FROM ' + QUOTENAME(@DatabaseName)", script, StringComparison.Ordinal);
            Assert.Contains("+ N'.sys.assembly_files AS f WHERE HASHBYTES(''SHA2_512'', f.content) = h.hash);';", script, StringComparison.Ordinal);

            // A database not ONLINE, or not readable, keeps every hash and is named.
            Assert.Contains("IF @DatabaseState <> N'ONLINE' OR ISNULL(HAS_DBACCESS(@DatabaseName), 0) = 0", script, StringComparison.Ordinal);
            int probe = script.IndexOf("N'DELETE h FROM #ClrStaleHashes", StringComparison.Ordinal);
            int keep = script.IndexOf("IF @Unread <> N''", StringComparison.Ordinal);
            int drop = script.IndexOf("sys.sp_drop_trusted_assembly", StringComparison.Ordinal);
            Assert.True(probe < keep && keep < drop, "hashes are dropped only after every database was read, and none if one could not be");
            Assert.Single(AllIndexesOf(script, "sys.sp_drop_trusted_assembly"));

            // Only a login that can trust (and so read every database) cleans up.
            int guardOfCleanup = script.LastIndexOf("IF @CanTrustAssemblies = 1", probe, StringComparison.Ordinal);
            Assert.True(guardOfCleanup > 0, "the clean-up runs only with CONTROL SERVER");

            // sys.trusted_assemblies and the trust procedures only through sp_executesql (2016 compiles the batch).
            var names = SqlParsing.All<Microsoft.SqlServer.TransactSql.ScriptDom.SchemaObjectName>(parsed).Select(n => n.BaseIdentifier.Value).ToList();
            Assert.DoesNotContain("trusted_assemblies", names);
            Assert.DoesNotContain("sp_add_trusted_assembly", names);
            Assert.DoesNotContain("sp_drop_trusted_assembly", names);
        }

        // Each build trusts its own hash, described with its real version and the database publishing it.
        Assert.Contains("DECLARE @ClrHash varbinary(64) = 0x" + Convert.ToHexString(SHA512.HashData(Bytes)) + ";", productionScript, StringComparison.Ordinal);
        Assert.Contains("DECLARE @ClrHash varbinary(64) = 0x" + Convert.ToHexString(SHA512.HashData(buildB)) + ";", testCopyScript, StringComparison.Ordinal);
        Assert.Contains("DECLARE @ClrDescription nvarchar(4000) = N'crmdb.clr, version=1.1.0.0; database=' + DB_NAME();", productionScript, StringComparison.Ordinal);
        Assert.Contains("DECLARE @ClrDescription nvarchar(4000) = N'crmdb.clr, version=1.2.0.0; database=' + DB_NAME();", testCopyScript, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_script_describes_the_hash_with_the_assembly_s_own_version()
    {
        string version = AssemblyName.GetAssemblyName(Repository.ClrAssemblyNet48).Version!.ToString();
        string shipped = File.ReadAllText(Repository.PathOf("database", "Scripts", "Generated", "ClrAssembly.generated.sql"));

        Assert.Contains("DECLARE @ClrVersion nvarchar(64) = N'" + version + "';", shipped, StringComparison.Ordinal);
        Assert.Contains("N'crmdb.clr, version=" + version + "; database=' + DB_NAME()", shipped, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_assembly_and_entry_point_names_are_quoted()
    {
        var entryPoint = new ClrEntryPoint(ClrEntryPointKind.ScalarFunction, "f]x", "N.C]", "M", [new ClrParameter("p", "int", false)], "int", null);

        string wrapper = ClrDeploymentScript.WrapperDefinition("A]'B", entryPoint);

        Assert.Equal("CREATE FUNCTION [dbo].[f]]x](@p int) RETURNS int AS EXTERNAL NAME [A]]'B].[N.C]]].[M];", wrapper);
        SqlParsing.Parse(ClrDeploymentScript.Build("A]'B", "1.0.0.0", [1, 2, 3], [entryPoint]));
    }

    private static List<int> AllIndexesOf(string text, string value)
    {
        var found = new List<int>();
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            found.Add(i);
        }

        return found;
    }
}
