using System.Xml.Linq;
using CrmDb.CodeAnalysis;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Extensibility;
using Microsoft.SqlServer.Dac.Model;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>The build's code-analysis settings (database/build/CrmDb.Sql.props) and the rules DacFx discovers.</summary>
public sealed class CodeAnalysisSettingsTests
{
    private static string SettingsString =>
        XDocument.Load(Repository.PathOf("database", "build", "CrmDb.Sql.props"))
            .Descendants().Single(e => e.Name.LocalName == "SqlCodeAnalysisRules").Value;

    [Fact]
    public void Every_CrmDb_rule_is_discovered_by_DacFx_from_the_rule_assembly()
    {
        using var model = new TSqlModel(SqlServerVersion.Sql140, new TSqlModelOptions());
        var service = new CodeAnalysisServiceFactory().CreateAnalysisService(model, new CodeAnalysisServiceSettings
        {
            AssemblyLookupPath = RuleHarness.RuleAssembly,
        });

        Assert.Empty(service.GetRuleLoadErrors());
        var ids = service.GetRules().Select(r => r.RuleId).ToHashSet();
        Assert.All(RuleIds.All, id => Assert.Contains(id, ids));
    }

    [Fact]
    public void The_build_treats_every_CrmDb_rule_as_an_error_and_names_only_rules_that_exist()
    {
        var settings = CodeAnalysisRuleSettings.CreateFromSettingsString(SettingsString, out IList<ExtensibilityError> errors);
        Assert.Empty(errors);
        Assert.All(RuleIds.All, id => Assert.True(settings.IsRuleProblemTreatedAsError(id), id + " is not an error in CrmDb.Sql.props"));

        using var model = new TSqlModel(SqlServerVersion.Sql140, new TSqlModelOptions());
        var service = new CodeAnalysisServiceFactory().CreateAnalysisService(model, new CodeAnalysisServiceSettings
        {
            AssemblyLookupPath = RuleHarness.RuleAssembly,
        });
        var known = service.GetRules().Select(r => r.RuleId).ToHashSet();
        var named = settings.Select(c => c.RuleId).ToList();
        Assert.All(named, id => Assert.Contains(id, known));
    }

    [Fact]
    public void Every_rule_DacFx_offers_is_chosen_on_purpose_either_as_an_error_or_disabled()
    {
        var settings = CodeAnalysisRuleSettings.CreateFromSettingsString(SettingsString, out _);
        using var model = new TSqlModel(SqlServerVersion.Sql140, new TSqlModelOptions());
        var service = new CodeAnalysisServiceFactory().CreateAnalysisService(model, new CodeAnalysisServiceSettings
        {
            AssemblyLookupPath = RuleHarness.RuleAssembly,
        });

        var undecided = service.GetRules()
            .Select(r => r.RuleId)
            .Where(id => !settings.IsRuleDisabled(id) && !settings.IsRuleProblemTreatedAsError(id))
            .ToList();
        Assert.True(undecided.Count == 0, "rules neither disabled nor errors in CrmDb.Sql.props: " + string.Join(", ", undecided));
    }
}
