using CrmDb.Clr.Doctor;

namespace CrmDb.Tests.Doctor;

/// <summary>
/// The doctor's decisions, one row per check: each row changes the healthy facts in one way and
/// names the findings it must give, no more, no fewer. A second table makes facts unreadable:
/// each gives a "cannot check" finding naming the right, never a silent pass.
/// </summary>
public sealed class DoctorRulesTests
{
    private const string G = "database:GESCOM", C = "database:CRM", I = "integration:1";

    /// <summary>Check id(s) expected, and the change to the healthy facts.</summary>
    public static readonly TheoryData<string, string[], Action<DoctorFactSamples>> Cases = new()
    {
        { "DOC-101", ["DOC-101", "DOC-102"], s => s.Server("MajorVersion", "13").Server("ProductVersion", "13.0.6300.2") },
        { "DOC-102", ["DOC-102"], s => s.Server("MajorVersion", "14").Server("ProductVersion", "14.0.3456.2").Server("ServerDate", "2027-10-13T00:00:00")
            .Set(C, "LastGoodCheckDb", "2027-10-12T02:00:00").Set(G, "LastGoodCheckDb", "2027-10-12T02:00:00")
            .Set(C, "LastFullBackup", "2027-10-12T23:00:00").Set(G, "LastFullBackup", "2027-10-12T23:00:00") },
        { "DOC-103", ["DOC-103"], s => s.Server("EngineEdition", "4").Set(G, "DataMb", "9000").Server("MaxServerMemoryMb", "20000") },
        { "DOC-104", ["DOC-104"], s => s.Server("EngineEdition", "4").Crm("ActiveCrmUsers", "12") },
        { "DOC-105", ["DOC-105"], s => s.Server("MaxServerMemoryMb", "4000") },
        { "DOC-106", ["DOC-106"], s => s.Server("PhysicalMemoryMb", "6000") },
        { "DOC-107", ["DOC-107"], s => s.Server("TcpEnabled", "0") },
        { "DOC-108", ["DOC-108"], s => s.Server("TcpPort", "1433") },
        { "DOC-109", ["DOC-109"], s => s.Server("BuiltinAdministrators", "BUILTIN\\Administrateurs") },
        { "DOC-110", ["DOC-110"], s => s.Server("CrmLoginSysadmin", "1") },
        { "DOC-111", ["DOC-111"], s => s.Server("ServerCollation", "Latin1_General_CI_AS") },
        { "DOC-112", ["DOC-112"], s => s.Server("TempdbCollation", "Latin1_General_CI_AS") },
        { "DOC-113", ["DOC-112", "DOC-113", "DOC-114"], s => s.Set(C, "Collation", "Latin1_General_CI_AS") },
        { "DOC-114", ["DOC-114"], s => s.Set(G, "Collation", "Latin1_General_CI_AS") },
        { "DOC-201", ["DOC-201"], s => s.Set(G, "RecoveryModel", "FULL") },
        { "DOC-202", ["DOC-202"], s => s.Set(C, "CompatibilityLevel", "130") },
        { "DOC-203", ["DOC-203"], s => s.Set(C, "OwnerValid", "0") },
        { "DOC-204", ["DOC-204"], s => s.Set(C, "Trustworthy", "1") },
        { "DOC-205", ["DOC-205"], s => s.Set(G, "AutoShrink", "1") },
        { "DOC-206", ["DOC-206"], s => s.Set(G, "AutoClose", "1") },
        { "DOC-207", ["DOC-207"], s => s.Set(G, "PageVerify", "TORN_PAGE_DETECTION") },
        { "DOC-208", ["DOC-208"], s => s.Set(C, "LastGoodCheckDb", null) },
        { "DOC-209", ["DOC-209"], s => s.Set(G, "LastFullBackup", "2026-11-20T23:00:00") },
        { "DOC-210", ["DOC-210"], s => s.Set(G, "LastDiffBackup", null) },
        { "DOC-211", ["DOC-211"], s => s.Set(C, "LogMb", "5000") },
        { "DOC-212", ["DOC-212"], s => s.Set(G, "State", "OFFLINE") },
        { "DOC-213", ["DOC-213"], s => s.Set(G, "PairLabels", "20261130_010000") },
        { "DOC-301", ["DOC-301"], s => s.Server("ClrEnabled", "0") },
        { "DOC-302", ["DOC-302"], s => s.Server("ClrStrictSecurity", "0") },
        { "DOC-303", ["DOC-303"], s => s.Crm("AssemblyTrusted", "0") },
        { "DOC-304", ["DOC-304"], s => s.Crm("AssemblyVersion", "1.0.0.0") },
        { "DOC-305", ["DOC-305"], s => s.Crm("MissingObjects", "dbo.MC_doctor") },
        { "DOC-306", ["DOC-306"], s => s.Crm("MissingRoles", "MC_support") },
        { "DOC-307", ["DOC-307"], s => s.Crm("HooksWithoutSupportGrant", "AUTOSYNC_0100_Tiers") },
        { "DOC-401", ["DOC-401"], s => s.Set(I, "GesComState", null) },
        { "DOC-402", ["DOC-402"], s => s.Set(I, "GesComServer", "GESSRV").Set(I, "LinkedServerAnswers", "0").Set(I, "LinkedServerError", "Login failed") },
        { "DOC-403", ["DOC-403"], s => s.Set(I, "ComptetReadable", "0") },
        { "DOC-404", ["DOC-404"], s => s.Set(I, "LastToken", "200") },
        { "DOC-405", ["DOC-405"], s => s.Set(I, "LastStatuses", "Failed,Failed,Failed") },
        { "DOC-406", ["DOC-406"], s => s.Set(I, "Durations", string.Join(",", Enumerable.Repeat("3000", 10).Concat(Enumerable.Repeat("1000", 10)))) },
        { "DOC-407", ["DOC-407"], s => s.Crm("NonConformingHooks", "AUTOSYNC_x") },
        { "DOC-408", ["DOC-408"], s => s.Set(I, "ReplicationStatus", "fail").Set(I, "ReplicationMessage", "Msg 207") },
        { "DOC-409", ["DOC-409"], s => s.Set(I, "SharedWith", "CRM_COPY") },
        { "DOC-501", ["DOC-501"], s => s.Set(I, "PayerMissing", "3").Set(I, "PayerMissing.Query", "SELECT 1 AS x;") },
        { "DOC-502", ["DOC-502"], s => s.Set(I, "GeneralAccountMissing", "2") },
        { "DOC-503", ["DOC-503"], s => s.Set(I, "UnusedPaymentSlot", "1") },
        { "DOC-504", ["DOC-504"], s => s.Set(I, "LineWithoutHeader", "4") },
        { "DOC-505", ["DOC-505"], s => s.Set(I, "CrmAccountUnmatched", "5") },
        { "DOC-506", ["DOC-506"], s => s.Crm("CtNumMappedTwice", "1") },
        { "DOC-601", ["DOC-601"], s => s.Crm("RecurringWithoutEnd", "2") },
        { "DOC-602", ["DOC-602"], s => s.Crm("StartEqualsEnd", "7") },
    };

    /// <summary>Scope, fact, right, and the check that must say it cannot check.</summary>
    public static readonly TheoryData<string, string, string, string> Denied = new()
    {
        { "server", "PhysicalMemoryMb", "VIEW SERVER STATE", "DOC-106" },
        { "server", "TcpEnabled", "VIEW SERVER STATE", "DOC-107" },
        { "server", "TcpPort", "VIEW SERVER STATE", "DOC-108" },
        { "server", "BuiltinAdministrators", "VIEW ANY DEFINITION", "DOC-109" },
        { "server", "CrmLoginSysadmin", "VIEW ANY DEFINITION (login [crm_app])", "DOC-110" },
        { "crm", "AssemblyTrusted", "VIEW SERVER SECURITY STATE", "DOC-303" },
        { "crm", "MissingObjects", "VIEW DEFINITION", "DOC-305" },
        { "crm", "HooksWithoutSupportGrant", "VIEW DEFINITION", "DOC-307" },
        { G, "LastFullBackup", "SELECT ON msdb.dbo.backupset", "DOC-209" },
        { G, "LastFullBackup", "SELECT ON msdb.dbo.backupset", "DOC-210" },
        { G, "OwnerValid", "VIEW ANY DEFINITION", "DOC-203" },
        { G, "LogMb", "VIEW ANY DEFINITION", "DOC-211" },
        { G, "LastGoodCheckDb", "CONNECT ON DATABASE::[GESCOM]", "DOC-208" },
        { I, "ComptetReadable", "LOGIN::[crm_sync]", "DOC-403" },
        { I, "LastStatuses", "SELECT ON dbo.MC_AutosyncRun", "DOC-405" },
        { I, "SharedWith", "CONNECT ON DATABASE::[OTHER]", "DOC-409" },
        { I, "LineWithoutHeader", "SELECT ON [GESCOM] (absent or not visible: F_DOCLIGNE.DO_Piece)", "DOC-504" },
        { "crm", "StartEqualsEnd", "SELECT ON dbo.Communication", "DOC-602" },
    };

    [Fact]
    public void Healthy_facts_give_no_finding()
    {
        Assert.Empty(DoctorRules.Evaluate(DoctorFactSamples.Healthy().Build()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_check_gives_its_finding(string check, string[] expected, Action<DoctorFactSamples> change)
    {
        var samples = DoctorFactSamples.Healthy();
        change(samples);

        var findings = DoctorRules.Evaluate(samples.Build());

        Assert.Contains(check, expected);
        Assert.Equal(expected.Order(), findings.Select(f => f.Check.Id).Distinct().Order());
        Assert.All(findings, f => Assert.False(f.CannotCheck, f.Check.Id + ": " + f.MissingRight));
    }

    [Fact]
    public void Every_check_of_the_catalogue_has_a_case()
    {
        var covered = Cases.Select(row => (string)row[0]).ToHashSet();
        var missing = DoctorCatalog.All().Select(c => c.Id).Where(id => id != "DOC-001" && !covered.Contains(id)).ToList();
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Denied))]
    public void An_unreadable_fact_is_a_cannot_check_naming_the_right(string scope, string fact, string right, string check)
    {
        var facts = DoctorFactSamples.Healthy().Deny(scope, fact, right).Build();

        var finding = Assert.Single(DoctorRules.Evaluate(facts), f => f.Check.Id == check);

        Assert.True(finding.CannotCheck);
        Assert.Equal(right, finding.MissingRight);
        Assert.Equal(finding.Check.Priority, finding.Priority);
    }

    [Fact]
    public void No_CRM_login_given_nor_found_is_a_cannot_check_naming_the_option()
    {
        var facts = DoctorFactSamples.Healthy().Server("CrmLogin", null).Remove("server", "CrmLoginSysadmin").Build();

        var finding = Assert.Single(DoctorRules.Evaluate(facts));

        Assert.Equal("DOC-110", finding.Check.Id);
        Assert.Contains("--crm-login", finding.MissingRight, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fact_the_batch_did_not_gather_is_a_cannot_check_too()
    {
        var facts = DoctorFactSamples.Healthy().Remove("integration:1", "ComptetReadable").Build();

        var finding = Assert.Single(DoctorRules.Evaluate(facts));

        Assert.Equal("DOC-403", finding.Check.Id);
        Assert.True(finding.CannotCheck);
    }

    [Fact]
    public void An_anomaly_carries_its_count_and_its_query()
    {
        var facts = DoctorFactSamples.Healthy().Set(I, "PayerMissing", "3").Set(I, "PayerMissing.Query", "SELECT t.CT_Num FROM [GESCOM].dbo.F_COMPTET AS t;").Build();

        var finding = Assert.Single(DoctorRules.Evaluate(facts));

        Assert.Equal(3, finding.RowCount);
        Assert.Equal("SELECT t.CT_Num FROM [GESCOM].dbo.F_COMPTET AS t;", finding.Query);
    }

    [Fact]
    public void Findings_come_by_priority_and_the_exit_code_follows_fail_on()
    {
        var samples = DoctorFactSamples.Healthy().Server("TcpPort", "1433").Server("ClrEnabled", "0").Set(G, "RecoveryModel", "FULL");

        var findings = DoctorRules.Evaluate(samples.Build());

        Assert.Equal(["DOC-301", "DOC-201", "DOC-108"], findings.Select(f => f.Check.Id));
        Assert.Equal(1, DoctorRules.ExitCode(findings, 1));
        Assert.Equal(1, DoctorRules.ExitCode(findings.Skip(1).ToList(), 100));
        Assert.Equal(0, DoctorRules.ExitCode(findings.Skip(1).ToList(), 99));
        Assert.Equal(0, DoctorRules.ExitCode(findings.Skip(2).ToList(), 100));
    }

    [Fact]
    public void The_XML_of_MC_doctor_gives_the_same_findings_as_the_rows_of_crmdb_doctor()
    {
        var samples = DoctorFactSamples.Healthy().Server("TcpPort", "1433").Deny(G, "LogMb", "VIEW ANY DEFINITION").Set(I, "LineWithoutHeader", "4");

        var fromRows = DoctorRules.Evaluate(samples.Build());
        var fromXml = DoctorRules.Evaluate(DoctorFacts.ParseXml(samples.ToXml()));

        Assert.Equal(fromRows.Select(f => (f.Check.Id, f.Scope, f.Details, f.MissingRight)), fromXml.Select(f => (f.Check.Id, f.Scope, f.Details, f.MissingRight)));
        Assert.Equal(3, fromXml.Count);
    }

    [Theory]
    [InlineData(new long[] { 5, 1, 3 }, 3)]
    [InlineData(new long[] { 4, 1, 3, 2 }, 2.5)]
    public void Median_is_the_middle_value(long[] values, double median)
    {
        Assert.Equal(median, DoctorRules.Median(values));
    }

    [Fact]
    public void Express_limit_is_10_GB_then_50_GB_from_SQL_Server_2025()
    {
        Assert.Equal(10240, DoctorRules.ExpressLimitMb(16));
        Assert.Equal(51200, DoctorRules.ExpressLimitMb(17));
    }
}
