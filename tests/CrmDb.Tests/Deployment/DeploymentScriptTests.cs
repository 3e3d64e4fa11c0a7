using System.Text.RegularExpressions;
using CrmDb.Runner.Deployment;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Deployment;

/// <summary>Deployment scripts that DacFx generates offline from CrmDb.dacpac, read as a DBA would.</summary>
public sealed partial class DeploymentScriptTests : IDisposable
{
    private static readonly string[] VendorTables = ["Account", "Custom_SysParams", "Company"];
    private readonly string work = Path.Combine(Path.GetTempPath(), "crmdb-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void Against_an_empty_SQL_Server_2017_database_the_script_installs_the_assembly_its_trust_and_its_wrappers()
    {
        string script = ScriptAgainst(OfflineTarget.EmptyDatabase(work));
        var entryPoints = CrmDb.Clr.Deployment.ClrAssemblyReader.ReadEntryPoints(Repository.ClrAssemblyNet48);

        Assert.Contains("0x" + Convert.ToHexString(File.ReadAllBytes(Repository.ClrAssemblyNet48)), script, StringComparison.Ordinal);
        Assert.Contains("N'CREATE ASSEMBLY ' + QUOTENAME(@ClrName) + N' AUTHORIZATION [dbo] FROM @bytes WITH PERMISSION_SET = SAFE;'", script, StringComparison.Ordinal);
        Assert.Contains("EXEC sys.sp_add_trusted_assembly @hash = @hash, @description = @description;", script, StringComparison.Ordinal);
        Assert.Contains("SELECT 1 FROM sys.trusted_assemblies WHERE hash = @hash", script, StringComparison.Ordinal);
        Assert.NotEmpty(entryPoints);
        foreach (var entryPoint in entryPoints)
        {
            Assert.Contains(CrmDb.Clr.Deployment.ClrDeploymentScript.WrapperDefinition("CrmDb.Clr", entryPoint).Replace("'", "''", StringComparison.Ordinal), script, StringComparison.Ordinal);
        }

        Assert.Contains("CREATE PROCEDURE dbo.MC_print", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [dbo].[MC_Integration]", script, StringComparison.Ordinal);
        Assert.Empty(SqlParsing.Errors(Normalize(script)));
    }

    [Fact]
    public void Against_a_CRM_database_holding_the_vendor_tables_with_extra_columns_no_statement_touches_them()
    {
        string target = OfflineTarget.FromScripts(work, "ExistingCrm",
        [
            "CREATE TABLE dbo.Account (Acc_AccountId int NOT NULL PRIMARY KEY, acc_erp_account_id nvarchar(17) NULL, acc_site_specific nvarchar(40) NULL, [Champ libre] int NULL);",
            "CREATE TABLE dbo.Custom_SysParams (Parm_ParmId int IDENTITY NOT NULL, Parm_Name nvarchar(100) NULL, Parm_Value nvarchar(max) NULL, Parm_Deleted tinyint NULL, Parm_Extra int NULL, CONSTRAINT PK_Sage_Custom_SysParams PRIMARY KEY NONCLUSTERED (Parm_ParmId));",
            "CREATE TABLE dbo.Company (Comp_CompanyId int NOT NULL PRIMARY KEY, Comp_Name nvarchar(60) NULL, Comp_SiteOnly datetime NULL);",
            "CREATE INDEX IX_Account_Erp ON dbo.Account (acc_erp_account_id);",
            "CREATE PROCEDURE dbo.AUTOSYNC_0301_specif_repli @ErpIntegrationID int AS RETURN 0;",
        ]);

        string script = ScriptAgainst(target);

        var touched = TopLevelStatementsTouching(Normalize(script), VendorTables);
        Assert.True(touched.Count == 0, "Statements touching vendor tables:\n" + string.Join("\n", touched));
        Assert.DoesNotContain("AUTOSYNC_0301_specif_repli", script, StringComparison.Ordinal);
        Assert.DoesNotMatch(DropStatement(), script);
        Assert.Contains("CREATE PROCEDURE dbo.MC_print", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Against_the_previous_version_it_creates_what_is_new_alters_what_changed_and_drops_nothing()
    {
        // The previous version: today's model without MC_print, with an older MC_Integration
        // that lacks a column, and an integrator's own procedure that CrmDb does not know.
        string target = OfflineTarget.FromScripts(work, "PreviousVersion",
        [
            "CREATE TABLE dbo.MC_Integration (ErpIntegrationID int NOT NULL CONSTRAINT PK_MC_Integration PRIMARY KEY, Name nvarchar(100) NOT NULL, GesComServer nvarchar(128) NOT NULL, GesComDatabase nvarchar(128) NOT NULL, IsActive bit NOT NULL, LastToken int NULL, LastStatus nvarchar(10) NULL, LastRunAt datetime2(3) NULL);",
            "CREATE ROLE [MC_integrator] AUTHORIZATION [dbo];",
            "CREATE ROLE [MC_support] AUTHORIZATION [dbo];",
            "CREATE PROCEDURE dbo.MC_apply_param_cleanurl @value nvarchar(max) AS RETURN 0;",
        ]);

        string script = ScriptAgainst(target);

        Assert.Contains("CREATE PROCEDURE dbo.MC_print", script, StringComparison.Ordinal);
        Assert.Matches(@"ALTER TABLE \[dbo\]\.\[MC_Integration\]\s+ADD \[CreatedAt\]", script);
        Assert.DoesNotMatch(DropStatement(), script);
        // The integrator's procedure is left alone (CrmDb's own texts may name it as an example).
        Assert.DoesNotMatch(@"(?i)(CREATE|ALTER|DROP)\s+PROC(EDURE)?\s+(\[?dbo\]?\.)?\[?MC_apply_param_cleanurl\b", script);
        // The post-deployment part replaces an older assembly (different hash) and is idempotent.
        Assert.Contains("HASHBYTES('SHA2_512', f.content) = @ClrHash", script, StringComparison.Ordinal);
        Assert.Empty(SqlParsing.Errors(Normalize(script)));
    }

    [Fact]
    public void A_change_that_would_lose_data_is_blocked_by_the_default_profile()
    {
        string target = OfflineTarget.FromScripts(work, "WithData",
        [
            "CREATE TABLE dbo.MC_Integration (ErpIntegrationID int NOT NULL CONSTRAINT PK_MC_Integration PRIMARY KEY, Name nvarchar(100) NOT NULL, GesComServer nvarchar(128) NOT NULL, GesComDatabase nvarchar(128) NOT NULL, IsActive bit NOT NULL, LastToken int NULL, LastStatus nvarchar(10) NULL, LastRunAt datetime2(3) NULL, CreatedAt datetime2(3) NOT NULL, ObsoleteColumn int NULL);",
        ]);

        string script = ScriptAgainst(target);

        // Dropping ObsoleteColumn may lose data: the script checks for rows and stops (the
        // message itself is DacFx's, in the UI language).
        Assert.Matches(@"(?is)IF EXISTS \(select top 1 1 from \[dbo\]\.\[MC_Integration\]\)\s*RAISERROR\s*\(N'.+?', 16, 127\)", script);
    }

    [Theory]
    [InlineData("ALTER TABLE [dbo].[Account] ADD [x] int NULL;")]
    [InlineData("DROP TABLE dbo.Company;")]
    [InlineData("CREATE INDEX IX_A ON dbo.Account (Acc_AccountId);")]
    [InlineData("INSERT INTO dbo.Custom_SysParams (Parm_Name) VALUES (N'x');")]
    [InlineData("UPDATE dbo.Account SET acc_erp_account_id = NULL;")]
    [InlineData("EXECUTE sp_rename N'[dbo].[Company].[Comp_Name]', N'Comp_Name2', N'COLUMN';")]
    public void The_vendor_check_itself_sees_a_statement_that_touches_a_vendor_table(string statement)
    {
        string script = "CREATE PROCEDURE dbo.P AS UPDATE dbo.Account SET Acc_Deleted = 1;\nGO\n" + statement + "\nGO\n";

        var touched = TopLevelStatementsTouching(script, VendorTables);

        Assert.Single(touched);
    }

    private string ScriptAgainst(string targetDacpac)
    {
        var options = DeployOptionsFactory.Create(Repository.PathOf("database", "CrmDb.publish.xml"), new Dictionary<string, string>(), TextWriter.Null);
        return Deployer.ScriptAgainstPackage(Repository.CrmDbDacpac, targetDacpac, "CRM", options).Script;
    }

    /// <summary>What the engine sees once sqlcmd has consumed its directives and variables.</summary>
    private static string Normalize(string script) =>
        SqlCmdVariable().Replace(SqlParsing.WithoutSqlCmdDirectives(script), m => m.Groups[1].Value);

    /// <summary>Top-level statements (outside module bodies) whose DDL or DML targets a vendor table.</summary>
    private static List<string> TopLevelStatementsTouching(string script, string[] tables)
    {
        var fragment = (TSqlScript)SqlParsing.Parse(script);
        var found = new List<string>();
        foreach (var statement in fragment.Batches.SelectMany(b => b.Statements))
        {
            if (statement is ProcedureStatementBody or FunctionStatementBody or ViewStatementBody or TriggerStatementBody)
            {
                continue;
            }

            var visitor = new TargetCollector();
            statement.Accept(visitor);
            if (visitor.Targets.Any(t => tables.Contains(t, StringComparer.OrdinalIgnoreCase)))
            {
                found.Add(script.Substring(statement.StartOffset, Math.Min(statement.FragmentLength, 200)));
            }
        }

        return found;
    }

    [GeneratedRegex(@"\$\((\w+)\)")]
    private static partial Regex SqlCmdVariable();

    // A procedure body's own temporary table (DROP TABLE IF EXISTS #...) is no object of the
    // database: every other DROP is.
    [GeneratedRegex(@"(?im)^\s*DROP\s+(TABLE(?!\s+(IF\s+EXISTS\s+)?#)|PROCEDURE|FUNCTION|VIEW|INDEX|ROLE|USER|SCHEMA)\b")]
    private static partial Regex DropStatement();

    /// <summary>Collects the objects that DDL and DML statements create, change or remove.</summary>
    private sealed class TargetCollector : TSqlFragmentVisitor
    {
        public List<string> Targets { get; } = [];

        public override void Visit(CreateTableStatement node) => Add(node.SchemaObjectName);
        public override void Visit(AlterTableStatement node) => Add(node.SchemaObjectName);
        public override void Visit(DropTableStatement node) => node.Objects.ToList().ForEach(Add);
        public override void Visit(CreateIndexStatement node) => Add(node.OnName);
        public override void Visit(DropIndexStatement node) => node.DropIndexClauses.OfType<DropIndexClause>().ToList().ForEach(c => Add(c.Object));
        public override void Visit(TruncateTableStatement node) => Add(node.TableName);
        public override void Visit(NamedTableReference node) => Add(node.SchemaObject);
        public override void Visit(ExecuteStatement node)
        {
            // sp_rename 'dbo.Account...' and the like.
            if (node.ExecuteSpecification?.ExecutableEntity is ExecutableProcedureReference procedure
                && procedure.ProcedureReference?.ProcedureReference?.Name?.BaseIdentifier?.Value is { } name
                && name.StartsWith("sp_rename", StringComparison.OrdinalIgnoreCase))
            {
                Targets.AddRange(procedure.Parameters.Select(p => p.ParameterValue).OfType<StringLiteral>().SelectMany(l => l.Value.Split('.').Select(part => part.Trim('[', ']'))));
            }
        }

        private void Add(SchemaObjectName? name)
        {
            if (name?.BaseIdentifier?.Value is { } value)
            {
                Targets.Add(value);
            }
        }
    }
}
