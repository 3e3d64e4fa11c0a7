using System.Globalization;
using System.Security.Cryptography;
using CrmDb.Clr.Deployment.Prerequisites;
using CrmDb.Runner.Deployment;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Deployment;

/// <summary>The prerequisite decision table, row by row, without a server.</summary>
public sealed class PrerequisitesTests
{
    /// <summary>A 2019 instance where a sysadmin republishes an unchanged CrmDb: nothing to say.</summary>
    private static readonly PrerequisiteFacts Good = new()
    {
        ProductVersion = "15.0.4375.4",
        MajorVersion = 15,
        ServerName = "SRV-CRM",
        DatabaseIdentifier = "[CRM]",
        LoginIdentifier = "[DOMAINE\\dba]",
        CompatibilityLevel = 150,
        OwnerValid = true,
        ClrEnabled = true,
        ClrStrictSecurity = true,
        RecoveryModel = "SIMPLE",
        Collation = "French_CI_AS",
        Trustworthy = false,
        AssemblyInDatabase = true,
        InstalledAssemblyVersion = "1.1.0.0",
        AssemblyHashTrusted = true,
        TrustViewPermission = "VIEW SERVER STATE",
        CanTrustAssemblies = true,
        IsSysadmin = true,
    };

    /// <summary>A db_owner (no server right) publishing an assembly this database does not hold yet.</summary>
    private static readonly PrerequisiteFacts NewAssemblyByDbOwner = Good with { AssemblyInDatabase = false, InstalledAssemblyVersion = "1.0.0.0", CanTrustAssemblies = false, IsSysadmin = false };

    public PrerequisitesTests()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
    }

    [Fact]
    public void An_unchanged_assembly_on_a_well_set_up_2019_instance_has_no_finding()
    {
        Assert.Empty(Prerequisites.Evaluate(Good));
    }

    [Fact]
    public void Every_row_of_the_table_is_covered_below()
    {
        // The ids the tests of this class exercise; a new row needs its own test.
        string[] tested = ["version", "compatibility", "owner", "clr-enabled", "trust-denied", "trust-added", "trust-restored", "trust-skipped", "recovery", "collation", "trustworthy"];

        Assert.Equal(tested.Order(StringComparer.Ordinal), PrerequisiteTable.Rules.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(13, "13.0.5026.0")]
    [InlineData(12, "12.0.6024.0")]
    public void SQL_Server_2016_or_older_blocks_naming_the_version_found(int major, string version)
    {
        // On 2016 or older there is no clr strict security and the trust rows do not apply.
        var facts = Good with { MajorVersion = major, ProductVersion = version, CompatibilityLevel = 130, ClrStrictSecurity = false, AssemblyInDatabase = null, AssemblyHashTrusted = null };

        var finding = Assert.Single(Prerequisites.Evaluate(facts));

        Assert.True(finding.Blocking);
        Assert.Contains(version, finding.Message, StringComparison.Ordinal);
        Assert.Contains("2017", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(120)]
    [InlineData(130)]
    public void A_compatibility_level_below_140_blocks_with_the_ALTER_DATABASE_line(int level)
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { CompatibilityLevel = level }));

        Assert.True(finding.Blocking);
        Assert.Contains(level.ToString(CultureInfo.InvariantCulture), finding.Message, StringComparison.Ordinal);
        Assert.Contains("ALTER DATABASE [CRM] SET COMPATIBILITY_LEVEL = 140;", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compatibility_level_140_is_enough()
    {
        Assert.Empty(Prerequisites.Evaluate(Good with { CompatibilityLevel = 140 }));
    }

    [Fact]
    public void An_invalid_database_owner_blocks_with_the_ALTER_AUTHORIZATION_line()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { OwnerValid = false }));

        Assert.True(finding.Blocking);
        Assert.Contains("15517", finding.Message, StringComparison.Ordinal);
        Assert.Contains("ALTER AUTHORIZATION ON DATABASE::[CRM] TO [sa];", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_owner_that_could_not_be_checked_is_named_and_blocks_since_it_decides_that_row()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { OwnerValid = null }));

        Assert.True(finding.Blocking);
        Assert.Contains("EXECUTE AS USER = 'dbo'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_CLR_blocks_with_the_sp_configure_lines()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { ClrEnabled = false }));

        Assert.True(finding.Blocking);
        Assert.Contains("EXEC sp_configure 'clr enabled', 1; RECONFIGURE;", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_hash_not_trusted_without_CONTROL_SERVER_blocks_saying_a_sysadmin_must_run_it_once()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(NewAssemblyByDbOwner with { AssemblyHashTrusted = false }));

        Assert.True(finding.Blocking);
        Assert.Contains("A sysadmin must run this publish once", finding.Message, StringComparison.Ordinal);
        Assert.Contains("1.0.0.0", finding.Message, StringComparison.Ordinal);
        Assert.Contains("CONTROL SERVER", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_hash_trusted_already_by_another_database_needs_no_right()
    {
        Assert.Empty(Prerequisites.Evaluate(NewAssemblyByDbOwner with { AssemblyHashTrusted = true }));
    }

    [Fact]
    public void An_assembly_this_database_holds_needs_neither_the_server_view_nor_CONTROL_SERVER()
    {
        // A db_owner republishing: AssemblyHashTrusted stays unread (null) and nothing is said.
        Assert.Empty(Prerequisites.Evaluate(Good with { CanTrustAssemblies = false, IsSysadmin = false, AssemblyHashTrusted = null }));
    }

    [Theory]
    [InlineData(15, "VIEW SERVER STATE")]
    [InlineData(16, "VIEW SERVER SECURITY STATE")]
    public void A_trust_list_the_caller_may_not_read_blocks_naming_the_right_and_who_grants_it(int major, string permission)
    {
        var facts = NewAssemblyByDbOwner with { MajorVersion = major, AssemblyHashTrusted = null, TrustViewPermission = permission };

        var finding = Assert.Single(Prerequisites.Evaluate(facts));

        Assert.True(finding.Blocking);
        Assert.Contains("sys.trusted_assemblies", finding.Message, StringComparison.Ordinal);
        Assert.Contains($"GRANT {permission} TO [DOMAINE\\dba];", finding.Message, StringComparison.Ordinal);
        Assert.Contains("sysadmin", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_assembly_published_by_a_sysadmin_says_before_deploying_that_the_trust_needs_one_and_why()
    {
        var facts = Good with { AssemblyInDatabase = false, InstalledAssemblyVersion = "1.0.0.0", AssemblyHashTrusted = false };

        var finding = Assert.Single(Prerequisites.Evaluate(facts));

        Assert.False(finding.Blocking);
        Assert.Contains("new or changed", finding.Message, StringComparison.Ordinal);
        Assert.Contains("1.0.0.0", finding.Message, StringComparison.Ordinal);
        Assert.Contains("CONTROL SERVER (sysadmin)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hash_this_database_holds_that_is_no_longer_trusted_is_trusted_again_by_a_sysadmin_and_said_so()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { AssemblyHashTrusted = false }));

        Assert.False(finding.Blocking);
        Assert.Contains("no longer trusted", finding.Message, StringComparison.Ordinal);
        Assert.Contains("1.1.0.0", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_install_says_no_version_is_installed()
    {
        var facts = Good with { AssemblyInDatabase = false, InstalledAssemblyVersion = null, AssemblyHashTrusted = false };

        var finding = Assert.Single(Prerequisites.Evaluate(facts));

        Assert.Contains("version installed in this database: none", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_strict_security_an_untrusted_hash_is_only_a_warning()
    {
        var facts = NewAssemblyByDbOwner with { ClrStrictSecurity = false, AssemblyHashTrusted = false };

        var finding = Assert.Single(Prerequisites.Evaluate(facts));

        Assert.False(finding.Blocking);
        Assert.Contains("clr strict security is off", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_strict_security_an_unreadable_trust_list_is_named_but_does_not_block()
    {
        var facts = NewAssemblyByDbOwner with { ClrStrictSecurity = false, AssemblyHashTrusted = null };

        var finding = Assert.Single(Prerequisites.Evaluate(facts));

        Assert.False(finding.Blocking);
        Assert.Contains("sys.trusted_assemblies", finding.Message, StringComparison.Ordinal);
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
    public void A_collation_other_than_French_CI_AS_is_a_warning_naming_it()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { Collation = "Latin1_General_CI_AS" }));

        Assert.False(finding.Blocking);
        Assert.Contains("Latin1_General_CI_AS", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TRUSTWORTHY_ON_is_a_warning_saying_it_is_not_needed()
    {
        var finding = Assert.Single(Prerequisites.Evaluate(Good with { Trustworthy = true }));

        Assert.False(finding.Blocking);
        Assert.Contains("does not need it", finding.Message, StringComparison.Ordinal);
        Assert.Contains("ALTER DATABASE [CRM] SET TRUSTWORTHY OFF;", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_fact_that_another_clause_already_decides_says_nothing()
    {
        // 2016: the trust rows are off by version, whatever the unread trust facts.
        var facts = Good with { MajorVersion = 13, ProductVersion = "13.0.5026.0", ClrStrictSecurity = true, AssemblyInDatabase = null, AssemblyHashTrusted = null, CanTrustAssemblies = false };

        var finding = Assert.Single(Prerequisites.Evaluate(facts));

        Assert.Contains("13.0.5026.0", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_messages_are_French_by_default()
    {
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

        var finding = Assert.Single(Prerequisites.Evaluate(NewAssemblyByDbOwner with { AssemblyHashTrusted = false }));

        Assert.Contains("Un administrateur de l'instance (sysadmin) doit exécuter ce déploiement une fois", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prerequisite_query_parses_and_reads_2017_objects_only_through_sp_executesql()
    {
        var script = SqlParsing.Parse(Prerequisites.Query);

        // A static reference to sys.trusted_assemblies would fail on 2016 (Msg 208) before the version could be told.
        var names = SqlParsing.All<Microsoft.SqlServer.TransactSql.ScriptDom.SchemaObjectName>(script)
            .Select(n => n.BaseIdentifier.Value);
        Assert.DoesNotContain("trusted_assemblies", names);
        Assert.Contains("sys.trusted_assemblies", Prerequisites.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("ProductMajorVersion", Prerequisites.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void The_query_and_the_post_deployment_guard_parse_as_SQL_Server_2016_reads_them()
    {
        // 2016 must get as far as the version row: the batch itself has to compile there.
        string shipped = File.ReadAllText(Repository.PathOf("database", "Scripts", "Generated", "ClrAssembly.generated.sql"));
        foreach (string sql in new[] { Prerequisites.Query, shipped })
        {
            var parser = new Microsoft.SqlServer.TransactSql.ScriptDom.TSql130Parser(initialQuotedIdentifiers: true);
            using var reader = new StringReader(sql);
            parser.Parse(reader, out IList<Microsoft.SqlServer.TransactSql.ScriptDom.ParseError> errors);
            Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Line}:{e.Column} {e.Message}")));
        }
    }

    [Fact]
    public void The_query_returns_a_column_for_every_fact_of_the_table()
    {
        var script = SqlParsing.Parse(Prerequisites.Query);
        var columns = SqlParsing.All<Microsoft.SqlServer.TransactSql.ScriptDom.SelectScalarExpression>(script)
            .Where(c => c.ColumnName is not null)
            .Select(c => c.ColumnName.Value)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var fact in PrerequisiteTable.Rules.SelectMany(r => r.When.Facts.Concat(r.Arguments)).Distinct())
        {
            Assert.Contains(fact.Name, columns);
        }
    }

    [Fact]
    public void The_assembly_hash_is_read_back_from_the_package()
    {
        byte[]? hash = PackageClrHash.Read(Repository.CrmDbDacpac);

        Assert.Equal(SHA512.HashData(File.ReadAllBytes(Repository.ClrAssemblyNet48)), hash);
    }
}
