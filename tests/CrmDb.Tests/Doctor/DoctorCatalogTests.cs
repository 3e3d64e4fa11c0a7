using System.Text.RegularExpressions;
using CrmDb.Clr.Doctor;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Doctor;

/// <summary>The catalogue: stable, unique ids under their own prefix, complete texts, and a docs section per id.</summary>
public sealed partial class DoctorCatalogTests
{
    private static readonly string[] Areas = ["Connection", "Instance", "Database", "CrmDb", "Integration", "GesCom", "Exchange"];

    [Fact]
    public void At_least_thirty_checks_with_unique_ids_under_the_DOC_prefix()
    {
        var ids = DoctorCatalog.All().Select(c => c.Id).ToList();

        Assert.True(ids.Count >= 30, $"{ids.Count} checks");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches(IdPattern(), id));
    }

    [Fact]
    public void Every_check_has_a_priority_an_area_and_its_texts_in_French_and_English()
    {
        Assert.All(DoctorCatalog.All(), c =>
        {
            Assert.InRange(c.Priority, 1, 250);
            Assert.Contains(c.Area, Areas);
            foreach (string text in new[] { c.TitleFr, c.TitleEn, c.MeaningFr, c.MeaningEn, c.FixFr, c.FixEn })
            {
                Assert.False(string.IsNullOrWhiteSpace(text), c.Id);
            }

            Assert.NotEqual(c.TitleFr, c.TitleEn);
            Assert.Equal("docs/doctor.md#" + c.Id.ToLowerInvariant(), c.Url);
        });
    }

    [Fact]
    public void Docs_have_a_section_per_id()
    {
        string docs = File.ReadAllText(Repository.PathOf("docs", "doctor.md"));
        var missing = DoctorCatalog.All()
            .Where(c => !docs.Contains($"<a id=\"{c.Anchor}\"></a>", StringComparison.Ordinal) || !docs.Contains($"### {c.Id} ", StringComparison.Ordinal))
            .Select(c => c.Id)
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Find_is_case_insensitive_and_null_for_an_unknown_id()
    {
        Assert.Equal("DOC-504", DoctorCatalog.Find("doc-504")?.Id);
        Assert.Null(DoctorCatalog.Find("DOC-999"));
        Assert.Null(DoctorCatalog.Find("CRMDB01"));
    }

    [GeneratedRegex("^DOC-[0-9]{3}$")]
    private static partial Regex IdPattern();
}
