using CrmDb.CodeAnalysis;
using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Model;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>One problem a rule reported: short rule id, line, and text.</summary>
public sealed record Finding(string RuleId, int Line, string Message)
{
    public override string ToString() => $"{RuleId} line {Line}: {Message}";
}

/// <summary>
/// Runs DacFx code analysis in-process, as the build's SqlStaticCodeAnalysisTask does, on a
/// model built from sample scripts, with CrmDb's rule assembly on the analysis path.
/// </summary>
public static class RuleHarness
{
    /// <summary>The rule assembly the build hands to DacFx (the same file, copied beside the tests).</summary>
    public static string RuleAssembly => typeof(RuleIds).Assembly.Location;

    /// <summary>Tables the samples write to or read from, so that the model resolves.</summary>
    public const string Tables = """
        CREATE TABLE dbo.Target (Id int NOT NULL PRIMARY KEY, Name nvarchar(50) NULL);
        GO
        CREATE TABLE dbo.Other (Id int NOT NULL PRIMARY KEY);
        """;

    /// <summary>The problems that <paramref name="ruleId"/> alone finds in <paramref name="sql"/> (plus <see cref="Tables"/>).</summary>
    public static IReadOnlyList<Finding> Run(string ruleId, string sql)
    {
        using var model = new TSqlModel(SqlServerVersion.Sql140, new TSqlModelOptions { Collation = "French_CI_AS" });
        model.AddOrUpdateObjects(Tables, "Tables.sql", new TSqlObjectOptions());
        model.AddOrUpdateObjects(sql, "Sample.sql", new TSqlObjectOptions());

        var settings = new CodeAnalysisRuleSettings { DisableRulesNotInSettings = true };
        settings.Add(new RuleConfiguration(ruleId, true, SqlRuleProblemSeverity.Error));
        var service = new CodeAnalysisServiceFactory().CreateAnalysisService(model, new CodeAnalysisServiceSettings
        {
            AssemblyLookupPath = RuleAssembly,
            RuleSettings = settings,
        });

        CodeAnalysisResult result = service.Analyze(model);
        Assert.True(result.AnalysisSucceeded, "analysis failed: " + string.Join("; ", result.GetAllErrors().Select(e => e.ToString())));
        Assert.Contains(service.GetRules(), rule => rule.RuleId == ruleId);
        return result.Problems
            .Where(p => p.SourceName == "Sample.sql")
            .Select(p => new Finding(p.ShortRuleId, p.StartLine, p.Description))
            .OrderBy(f => f.Line)
            .ToList();
    }
}
