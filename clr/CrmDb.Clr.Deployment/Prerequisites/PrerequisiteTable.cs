using static CrmDb.Clr.Deployment.Prerequisites.PrerequisiteCondition;
using Fact = CrmDb.Clr.Deployment.Prerequisites.PrerequisiteFact;

namespace CrmDb.Clr.Deployment.Prerequisites;

/// <summary>
/// The prerequisites of CrmDb as one decision table. crmdb publish evaluates it in C# before
/// anything changes (runner/Deployment/Prerequisites.cs); the post-deployment script evaluates the
/// same rows in T-SQL as its guard (<see cref="PrerequisiteGuard"/>), so that a sqlpackage
/// deployment stops at the same points. docs/deployment.md lists the rows.
/// </summary>
public static class PrerequisiteTable
{
    /// <summary>The documented floor: SQL Server 2017, compatibility level 140 (CLR strict security exists from 2017).</summary>
    public const int MinimumMajorVersion = 14;

    /// <summary>The minimum compatibility level.</summary>
    public const int MinimumCompatibilityLevel = 140;

    // The trust rows apply only on 2017 or later: before, there is no sys.trusted_assemblies.
    private static readonly PrerequisiteCondition NeedsTrust =
        AtLeast(Fact.MajorVersion, MinimumMajorVersion)
            .And(Is(Fact.AssemblyInDatabase, false))
            .And(Is(Fact.AssemblyHashTrusted, false));

    /// <summary>The rows, in the order their findings are shown.</summary>
    public static IReadOnlyList<PrerequisiteRule> Rules { get; } =
    [
        new("version", true, Below(Fact.MajorVersion, MinimumMajorVersion), "PrereqVersion", Fact.ProductVersion),
        new("compatibility", true,
            AtLeast(Fact.MajorVersion, MinimumMajorVersion).And(Below(Fact.CompatibilityLevel, MinimumCompatibilityLevel)),
            "PrereqCompatibility", Fact.DatabaseIdentifier, Fact.CompatibilityLevel),
        new("owner", true, Is(Fact.OwnerValid, false), "PrereqOwner", Fact.DatabaseIdentifier),
        new("clr-enabled", true, Is(Fact.ClrEnabled, false), "PrereqClrDisabled"),
        new("trust-denied", true,
            Is(Fact.ClrStrictSecurity, true).And(NeedsTrust).And(Is(Fact.CanTrustAssemblies, false)),
            "PrereqTrust", Fact.InstalledAssemblyVersion, Fact.LoginIdentifier),
        new("trust-added", false,
            Is(Fact.ClrStrictSecurity, true).And(NeedsTrust).And(Is(Fact.CanTrustAssemblies, true)),
            "PrereqTrustAdded", Fact.InstalledAssemblyVersion),
        new("trust-restored", false,
            Is(Fact.ClrStrictSecurity, true).And(AtLeast(Fact.MajorVersion, MinimumMajorVersion))
                .And(Is(Fact.AssemblyInDatabase, true)).And(Is(Fact.AssemblyHashTrusted, false)).And(Is(Fact.CanTrustAssemblies, true)),
            "PrereqTrustRestored", Fact.InstalledAssemblyVersion),
        new("trust-skipped", false,
            Is(Fact.ClrStrictSecurity, false).And(NeedsTrust).And(Is(Fact.CanTrustAssemblies, false)),
            "PrereqTrustSkipped", Fact.LoginIdentifier),
        new("recovery", false, IsNot(Fact.RecoveryModel, "SIMPLE"), "PrereqRecovery", Fact.RecoveryModel),
        new("collation", false, IsNot(Fact.Collation, "French_CI_AS"), "PrereqCollation", Fact.Collation),
        new("trustworthy", false, Is(Fact.Trustworthy, true), "PrereqTrustworthy", Fact.DatabaseIdentifier),
    ];

    /// <summary>What every row says about <paramref name="facts"/>, in table order.</summary>
    public static IReadOnlyList<PrerequisiteResult> Evaluate(PrerequisiteFacts facts)
    {
        var results = new List<PrerequisiteResult>();
        foreach (var rule in Rules)
        {
            bool? outcome = rule.When.Evaluate(facts);
            if (outcome == true)
            {
                results.Add(new PrerequisiteResult(rule, rule.Blocking, false, rule.MessageKey, rule.Arguments.Select(a => Text(a.Read(facts))).ToList()));
            }
            else if (outcome is null)
            {
                // Named, with the rule's weight: it blocks only where the rule would block.
                var unknown = rule.When.Facts.First(f => f.Read(facts) is null);
                var arguments = unknown.UnknownArguments.Count == 0
                    ? [unknown.Name]
                    : unknown.UnknownArguments.Select(a => Text(a.Read(facts))).ToList();
                results.Add(new PrerequisiteResult(rule, rule.Blocking, true, unknown.UnknownMessageKey, arguments));
            }
        }

        return results;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
