using CrmDb.Runner.Maintenance;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Maintenance;

/// <summary>
/// The plan's SQL without a server (issue 16, items 1 and 6): the default rows, the
/// post-deployment that never overwrites a DBA's edit, every command text parses, and nothing is
/// granted on the maintenance objects.
/// </summary>
public sealed class MaintenanceSqlTests
{
    private static readonly string[] MaintenanceObjects =
        ["MC_maintenance", "MC_maintenanceexecute", "MC_MaintenancePlan", "MC_MaintenanceLog", "MC_backup"];

    private static string DefaultsScript => File.ReadAllText(Repository.PathOf("database", "Scripts", "MaintenancePlan.Defaults.sql"));

    [Fact]
    public void The_post_deployment_rows_are_the_runners_default_plan()
    {
        var script = SqlParsing.Parse(DefaultsScript);
        var insert = Assert.Single(SqlParsing.All<InsertStatement>(script));
        var table = Assert.Single(SqlParsing.All<InlineDerivedTable>(insert));
        var columns = table.Columns.Select(c => c.Value).ToList();

        var rows = table.RowValues.Select(row => new MaintenancePlanRow(
            Value(row, columns, "Task")!,
            Value(row, columns, "Slot")!,
            Value(row, columns, "IsEnabled") == "1",
            int.Parse(Value(row, columns, "RunOrder")!, System.Globalization.CultureInfo.InvariantCulture),
            Number(row, columns, "FragmentationLow"),
            Number(row, columns, "FragmentationHigh"),
            Number(row, columns, "MinPageCount"),
            Number(row, columns, "RetentionDays"))).ToList();

        Assert.Equal(
            DefaultMaintenancePlan.Rows.OrderBy(r => r.Task, StringComparer.Ordinal),
            rows.OrderBy(r => r.Task, StringComparer.Ordinal));
        // The guide's plan: every task once, the shrink row present but disabled.
        Assert.Equal(MaintenanceTask.All.OrderBy(t => t, StringComparer.Ordinal), rows.Select(r => r.Task).OrderBy(t => t, StringComparer.Ordinal));
        Assert.False(rows.Single(r => r.Task == MaintenanceTask.Shrink).IsEnabled);
        Assert.All(rows.Where(r => r.Task != MaintenanceTask.Shrink), r => Assert.True(r.IsEnabled, r.Task));
    }

    [Fact]
    public void The_post_deployment_only_inserts_the_missing_default_rows()
    {
        var script = SqlParsing.Parse(DefaultsScript);

        // Nothing that could overwrite or remove a DBA's row.
        Assert.Empty(SqlParsing.All<UpdateStatement>(script));
        Assert.Empty(SqlParsing.All<DeleteStatement>(script));
        Assert.Empty(SqlParsing.All<MergeStatement>(script));
        Assert.Empty(SqlParsing.All<TruncateTableStatement>(script));
        // The insert is guarded by "no row of this task in any slot", so a moved task is not added again.
        var guard = Assert.Single(SqlParsing.All<ExistsPredicate>(script));
        Assert.IsType<BooleanNotExpression>(Assert.Single(SqlParsing.All<BooleanNotExpression>(script)));
        string guardText = DefaultsScript.Substring(guard.StartOffset, guard.FragmentLength);
        Assert.Contains("p.Task = d.Task", guardText, StringComparison.Ordinal);
        Assert.DoesNotContain("Slot", guardText, StringComparison.Ordinal);

        string postDeployment = File.ReadAllText(Repository.PathOf("database", "Scripts", "Script.PostDeployment.sql"));
        Assert.Contains(":r ./MaintenancePlan.Defaults.sql", postDeployment, StringComparison.Ordinal);
    }

    public static TheoryData<string> CommandTexts()
    {
        var when = new DateTime(2026, 11, 1, 3, 0, 0);
        string[] names = ["CRM", "Crm ]odd[ name", "d'Artagnan"];
        var data = new TheoryData<string>();
        foreach (string name in names)
        {
            data.Add(MaintenanceCommandText.CheckDb(name));
            data.Add(MaintenanceCommandText.Shrink(name));
            data.Add(MaintenanceCommandText.Reorganize(name, "dbo", "Table " + name, "IX_" + name));
            data.Add(MaintenanceCommandText.Rebuild(name, "dbo", "Company", "PK_" + name, RebuildMode.Online));
            data.Add(MaintenanceCommandText.Rebuild(name, "dbo", "Company", "PK_" + name, RebuildMode.OfflineEdition));
            data.Add(MaintenanceCommandText.UpdateStatistics(name, "dbo", "Company", "_WA_Sys_" + name));
            data.Add(MaintenanceCommandText.DeleteMaintenanceLog(name, when));
            data.Add(MaintenanceCommandText.XpDeleteFile(@"D:\Sauvegardes\l'an " + name, "bak", when));
        }

        data.Add(MaintenanceCommandText.DeleteBackupHistory(when));
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandTexts))]
    public void Every_command_text_parses_as_one_statement(string command)
    {
        var script = (TSqlScript)SqlParsing.Parse(command);

        Assert.Single(Assert.Single(script.Batches).Statements);
    }

    [Fact]
    public void Names_in_command_texts_are_quoted_as_QUOTENAME_does()
    {
        Assert.Equal("DBCC CHECKDB ([Crm ]]odd[ name]) WITH NO_INFOMSGS, ALL_ERRORMSGS;", MaintenanceCommandText.CheckDb("Crm ]odd[ name"));
        Assert.Equal("ALTER INDEX [IX_A] ON [GESCOM].[dbo].[F_COMPTET] REBUILD WITH (ONLINE = ON);",
            MaintenanceCommandText.Rebuild("GESCOM", "dbo", "F_COMPTET", "IX_A", RebuildMode.Online));
        Assert.Equal("ALTER INDEX [IX_A] ON [GESCOM].[dbo].[F_COMPTET] REBUILD;",
            MaintenanceCommandText.Rebuild("GESCOM", "dbo", "F_COMPTET", "IX_A", RebuildMode.OfflineEdition));
    }

    [Fact]
    public void The_model_grants_nothing_on_the_maintenance_objects_to_anyone()
    {
        using var model = TSqlModel.LoadFromDacpac(Repository.CrmDbDacpac, new ModelLoadOptions(DacSchemaModelStorageType.Memory, loadAsScriptBackedModel: true));
        var permissions = model.GetObjects(DacQueryScopes.UserDefined, Microsoft.SqlServer.Dac.Model.Permission.TypeClass).ToList();
        var securedNames = permissions
            .SelectMany(p => p.GetReferenced(Microsoft.SqlServer.Dac.Model.Permission.SecuredObject))
            .Select(o => o.Name.Parts.Last())
            .ToList();

        // The model does hold grants (the check reads real permissions), none on maintenance.
        Assert.NotEmpty(securedNames);
        Assert.Contains("MC_ScriptJournal", securedNames);
        foreach (string name in MaintenanceObjects)
        {
            Assert.DoesNotContain(securedNames, secured => string.Equals(secured, name, StringComparison.OrdinalIgnoreCase));
        }

        // The objects themselves are in the model.
        Assert.NotNull(model.GetObject(Procedure.TypeClass, new ObjectIdentifier("dbo", "MC_maintenance"), DacQueryScopes.UserDefined));
        Assert.NotNull(model.GetObject(Table.TypeClass, new ObjectIdentifier("dbo", "MC_MaintenancePlan"), DacQueryScopes.UserDefined));
    }

    [Fact]
    public void No_sql_file_grants_or_denies_anything_on_the_maintenance_objects()
    {
        // Schema-wide grants would reach them too: none exists on dbo.
        foreach (string file in Directory.EnumerateFiles(Repository.PathOf("database"), "*.sql", SearchOption.AllDirectories))
        {
            string sql = SqlParsing.WithoutSqlCmdDirectives(File.ReadAllText(file));
            foreach (var grant in SqlParsing.All<GrantStatement>(SqlParsing.Parse(sql)))
            {
                string text = sql.Substring(grant.StartOffset, grant.FragmentLength);
                Assert.DoesNotContain("SCHEMA::", text, StringComparison.OrdinalIgnoreCase);
                foreach (string name in MaintenanceObjects)
                {
                    Assert.False(
                        System.Text.RegularExpressions.Regex.IsMatch(text, @"\b" + name + @"\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase),
                        $"{file}: {text}");
                }
            }
        }
    }

    private static string? Value(RowValue row, List<string> columns, string column) =>
        row.ColumnValues[columns.IndexOf(column)] switch
        {
            NullLiteral => null,
            Literal literal => literal.Value,
            var other => throw new InvalidOperationException("Unexpected value " + other.GetType().Name),
        };

    private static int? Number(RowValue row, List<string> columns, string column) =>
        Value(row, columns, column) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
}
