using CrmDb.Clr.Deployment.Prerequisites;
using CrmDb.Clr.Doctor;

namespace CrmDb.Tests.Doctor;

/// <summary>
/// The doctor mirrors the rows of publish's prerequisite table that it shares (the table lives in
/// CrmDb.Clr.Deployment, which the SAFE assembly cannot reference): on the same facts both must
/// decide alike, and their thresholds must be the same numbers.
/// </summary>
public sealed class DoctorPrerequisiteAgreementTests
{
    private static readonly Dictionary<string, string> DoctorIdOfRow = new()
    {
        ["version"] = "DOC-101",
        ["compatibility"] = "DOC-202",
        ["owner"] = "DOC-203",
        ["clr-enabled"] = "DOC-301",
        ["recovery"] = "DOC-201",
        ["collation"] = "DOC-113",
        ["trustworthy"] = "DOC-204",
    };

    public static TheoryData<int, int, bool, bool, string, string, bool> Facts()
    {
        var data = new TheoryData<int, int, bool, bool, string, string, bool>();
        foreach (int major in new[] { 13, 14, 16 })
        {
            foreach (int level in new[] { 130, 140, 160 })
            {
                foreach (bool flag in new[] { true, false })
                {
                    data.Add(major, level, flag, !flag, flag ? "SIMPLE" : "FULL", flag ? "French_CI_AS" : "Latin1_General_CI_AS", flag);
                }
            }
        }

        return data;
    }

    [Fact]
    public void Thresholds_are_the_prerequisite_tables()
    {
        Assert.Equal(PrerequisiteTable.MinimumMajorVersion, DoctorRules.MinimumMajorVersion);
        Assert.Equal(PrerequisiteTable.MinimumCompatibilityLevel, DoctorRules.MinimumCompatibilityLevel);
    }

    [Theory]
    [MemberData(nameof(Facts))]
    public void Both_decide_alike_on_the_same_facts(int major, int level, bool ownerValid, bool clrEnabled, string recovery, string collation, bool trustworthy)
    {
        var prerequisites = new PrerequisiteFacts
        {
            ProductVersion = major + ".0.1000.1",
            MajorVersion = major,
            CompatibilityLevel = level,
            OwnerValid = ownerValid,
            ClrEnabled = clrEnabled,
            ClrStrictSecurity = true,
            RecoveryModel = recovery,
            Collation = collation,
            Trustworthy = trustworthy,
            AssemblyInDatabase = true,
            AssemblyHashTrusted = true,
            CanTrustAssemblies = true,
        };
        var samples = DoctorFactSamples.Healthy()
            .Server("MajorVersion", major.ToString(System.Globalization.CultureInfo.InvariantCulture)).Server("ProductVersion", prerequisites.ProductVersion)
            .Server("ClrEnabled", clrEnabled ? "1" : "0")
            .Set("database:CRM", "CompatibilityLevel", level.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("database:CRM", "OwnerValid", ownerValid ? "1" : "0").Set("database:CRM", "RecoveryModel", recovery)
            .Set("database:CRM", "Collation", collation).Set("database:CRM", "Trustworthy", trustworthy ? "1" : "0");

        var expected = PrerequisiteTable.Evaluate(prerequisites)
            .Where(r => !r.FactUnknown && DoctorIdOfRow.ContainsKey(r.Rule.Id))
            .Select(r => DoctorIdOfRow[r.Rule.Id])
            .Order();
        var actual = DoctorRules.Evaluate(samples.Build())
            .Where(f => (f.Scope == "database:CRM" || f.Scope == "server") && DoctorIdOfRow.ContainsValue(f.Check.Id))
            // The prerequisite row applies the compatibility floor from SQL Server 2017 on only.
            .Where(f => f.Check.Id != "DOC-202" || major >= PrerequisiteTable.MinimumMajorVersion)
            .Select(f => f.Check.Id)
            .Order();
        Assert.Equal(expected, actual);
    }
}
