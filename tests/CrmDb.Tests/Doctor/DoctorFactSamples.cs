using CrmDb.Clr.Doctor;

namespace CrmDb.Tests.Doctor;

/// <summary>
/// Facts of a healthy installation (no finding), as the fact batch of dbo.MC_doctor names them,
/// which each test case changes in one place. Keys are (scope, name).
/// </summary>
public sealed class DoctorFactSamples
{
    private readonly Dictionary<(string Scope, string Name), (string? Value, string? Right)> facts = new();

    private DoctorFactSamples()
    {
    }

    /// <summary>A healthy SQL Server 2022 Standard with one CRM database and one local GesCom.</summary>
    public static DoctorFactSamples Healthy()
    {
        var s = new DoctorFactSamples();
        s.Server("ProductVersion", "16.0.4135.4").Server("MajorVersion", "16").Server("Edition", "Standard Edition (64-bit)")
            .Server("EngineEdition", "2").Server("ServerDate", "2026-12-01T22:00:00").Server("ServerCollation", "French_CI_AS")
            .Server("TempdbCollation", "French_CI_AS").Server("MaxServerMemoryMb", "8192").Server("PhysicalMemoryMb", "16384")
            .Server("ClrEnabled", "1").Server("ClrStrictSecurity", "1").Server("TcpEnabled", "1").Server("TcpPort", "14330")
            .Server("BuiltinAdministrators", null).Server("CrmLogin", "crm_app").Server("CrmLoginSysadmin", "0");
        s.Crm("DatabaseName", "CRM").Crm("AssemblyVersion", "1.1.0.0").Crm("PackageAssemblyVersion", "1.1.0.0").Crm("AssemblyTrusted", "1")
            .Crm("MissingObjects", null).Crm("MissingRoles", null).Crm("HooksWithoutSupportGrant", null).Crm("NonConformingHooks", null)
            .Crm("ActiveCrmUsers", "5").Crm("CtNumMappedTwice", "0").Crm("RecurringWithoutEnd", "0").Crm("StartEqualsEnd", "0");
        foreach (var (name, role, data) in new[] { ("CRM", "CRM", "2000"), ("GESCOM", "GesCom", "3000") })
        {
            string scope = "database:" + name;
            s.Set(scope, "Role", role).Set(scope, "State", "ONLINE").Set(scope, "Collation", "French_CI_AS").Set(scope, "RecoveryModel", "SIMPLE")
                .Set(scope, "CompatibilityLevel", "150").Set(scope, "Trustworthy", "0").Set(scope, "AutoShrink", "0").Set(scope, "AutoClose", "0")
                .Set(scope, "PageVerify", "CHECKSUM").Set(scope, "LogReuseWait", "NOTHING").Set(scope, "Owner", "sa").Set(scope, "OwnerValid", "1")
                .Set(scope, "DataMb", data).Set(scope, "LogMb", "100").Set(scope, "LastGoodCheckDb", "2026-11-29T02:00:00")
                .Set(scope, "LastFullBackup", "2026-11-29T23:00:00").Set(scope, "LastDiffBackup", "2026-12-01T01:00:00");
            if (role == "CRM")
            {
                s.Set(scope, "LastPairLabel", "20261201_010000");
            }
            else
            {
                s.Set(scope, "PairLabels", "20261130_010000,20261201_010000");
            }
        }

        const string i = "integration:1";
        s.Set(i, "GesComServer", string.Empty).Set(i, "GesComDatabase", "GESCOM").Set(i, "IsActive", "1").Set(i, "LastToken", "100")
            .Set(i, "GesComState", "ONLINE").Set(i, "SharedWith", null).Set(i, "SyncLogin", "crm_sync").Set(i, "ComptetReadable", "1")
            .Set(i, "GesComMaxToken", "150").Set(i, "LastStatuses", "Succeeded,Succeeded,Failed")
            .Set(i, "Durations", string.Join(",", Enumerable.Repeat("1000", 20))).Set(i, "ReplicationStatus", "success")
            .Set(i, "PayerMissing", "0").Set(i, "GeneralAccountMissing", "0").Set(i, "UnusedPaymentSlot", "0")
            .Set(i, "LineWithoutHeader", "0").Set(i, "CrmAccountUnmatched", "0");
        return s;
    }

    /// <summary>Sets a server fact.</summary>
    public DoctorFactSamples Server(string name, string? value) => Set("server", name, value);

    /// <summary>Sets a CRM fact.</summary>
    public DoctorFactSamples Crm(string name, string? value) => Set("crm", name, value);

    /// <summary>Sets a readable fact.</summary>
    public DoctorFactSamples Set(string scope, string name, string? value)
    {
        facts[(scope, name)] = (value, null);
        return this;
    }

    /// <summary>Makes a fact unreadable for want of <paramref name="right"/>.</summary>
    public DoctorFactSamples Deny(string scope, string name, string right)
    {
        facts[(scope, name)] = (null, right);
        return this;
    }

    /// <summary>Removes a fact (the batch did not gather it).</summary>
    public DoctorFactSamples Remove(string scope, string name)
    {
        facts.Remove((scope, name));
        return this;
    }

    /// <summary>The facts, in the batch's order of scopes (server, crm, databases, integrations).</summary>
    public DoctorFacts Build()
    {
        var result = new DoctorFacts();
        foreach (var ((scope, name), (value, right)) in facts)
        {
            result.Add(scope, name, value, right);
        }

        return result;
    }

    /// <summary>The facts as dbo.MC_doctor passes them to dbo.MC_doctorfindings.</summary>
    public string ToXml()
    {
        var root = new System.Xml.Linq.XElement("facts");
        foreach (var ((scope, name), (value, right)) in facts)
        {
            var f = new System.Xml.Linq.XElement("f", new System.Xml.Linq.XAttribute("s", scope), new System.Xml.Linq.XAttribute("n", name));
            if (value is not null)
            {
                f.Add(new System.Xml.Linq.XAttribute("v", value));
            }

            if (right is not null)
            {
                f.Add(new System.Xml.Linq.XAttribute("r", right));
            }

            root.Add(f);
        }

        return root.ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
    }
}
