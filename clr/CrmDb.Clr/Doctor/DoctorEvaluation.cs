using System;
using System.Collections.Generic;
using System.Globalization;

namespace CrmDb.Clr.Doctor
{
    /// <summary>
    /// One pass of the checks over one set of facts (<see cref="DoctorRules.Evaluate"/>). The fact
    /// names are those of the fact batch in dbo.MC_doctor; scopes are "server", "crm" (the CRM
    /// database's CrmDb objects and data), "database:NAME" and "integration:N".
    /// </summary>
    internal sealed class DoctorEvaluation
    {
        private const string Server = "server";
        private const string Crm = "crm";
        private readonly DoctorFacts facts;
        private readonly DoctorCheck[] checks = DoctorCatalog.All();

        public DoctorEvaluation(DoctorFacts facts)
        {
            this.facts = facts;
        }

        public List<DoctorFinding> Findings { get; } = new List<DoctorFinding>();

        public void Run()
        {
            int major = (int)(DoctorFacts.Number(facts.Find(Server, "MajorVersion")) ?? 0);
            DateTime? now = DoctorFacts.Time(facts.Find(Server, "ServerDate"));
            Instance(major, now);
            string? crmDatabase = facts.Find(Crm, "DatabaseName")?.Value;
            foreach (string scope in facts.Scopes("database:"))
            {
                Database(scope, now, crmDatabase);
            }

            Pairs(crmDatabase);
            CrmDbObjects(major);
            foreach (string scope in facts.Scopes("integration:"))
            {
                Integration(scope);
            }

            Anomaly("DOC-506", Crm, "CtNumMappedTwice");
            Anomaly("DOC-601", Crm, "RecurringWithoutEnd");
            Anomaly("DOC-602", Crm, "StartEqualsEnd");
        }

        private void Instance(int major, DateTime? now)
        {
            DoctorFact? version = Need("DOC-101", Server, "ProductVersion");
            if (version != null && major > 0 && major < DoctorRules.MinimumMajorVersion)
            {
                Add("DOC-101", Server, "ProductVersion = " + version.Value);
            }

            DateTime? end = DoctorRules.ExtendedSupportEnd(major);
            if (version != null && end != null && now != null && now.Value.Date > end.Value)
            {
                Add("DOC-102", Server, "ProductVersion = " + version.Value + "; extended support end = " + end.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            long totalData = 0;
            bool sizesKnown = true;
            foreach (string scope in facts.Scopes("database:"))
            {
                DoctorFact? data = facts.Find(scope, "DataMb");
                if (data == null || !data.IsReadable)
                {
                    sizesKnown = false;
                }
                else
                {
                    totalData += DoctorFacts.Number(data) ?? 0;
                }
            }

            bool express = DoctorFacts.Number(facts.Find(Server, "EngineEdition")) == 4;
            if (express)
            {
                long limit = DoctorRules.ExpressLimitMb(major);
                foreach (string scope in facts.Scopes("database:"))
                {
                    long? data = DoctorFacts.Number(Need("DOC-103", scope, "DataMb"));
                    if (data != null && data.Value * 100 >= limit * DoctorRules.ExpressWarningPercent)
                    {
                        Add("DOC-103", scope, Invariant("data = {0} MB; Express limit = {1} MB", data.Value, limit));
                    }
                }

                long? users = DoctorFacts.Number(Need("DOC-104", Crm, "ActiveCrmUsers"));
                if (users != null && users.Value > DoctorRules.ExpressMaximumUsers)
                {
                    Add("DOC-104", Crm, Invariant("active CRM users = {0}; guide's maximum on Express = {1}", users.Value, DoctorRules.ExpressMaximumUsers));
                }
            }

            Memory("DOC-105", "MaxServerMemoryMb", "max server memory", totalData, sizesKnown);
            Memory("DOC-106", "PhysicalMemoryMb", "physical memory", totalData, sizesKnown);

            bool? tcp = DoctorFacts.Flag(Need("DOC-107", Server, "TcpEnabled"));
            if (tcp == false)
            {
                Add("DOC-107", Server, "TCP/IP Enabled = 0");
            }

            DoctorFact? port = Need("DOC-108", Server, "TcpPort");
            if (port != null && DoctorRules.Items(port.Value).Contains("1433"))
            {
                Add("DOC-108", Server, "TcpPort = " + port.Value);
            }

            DoctorFact? builtin = Need("DOC-109", Server, "BuiltinAdministrators");
            if (builtin != null && !string.IsNullOrEmpty(builtin.Value))
            {
                Add("DOC-109", Server, "login = " + builtin.Value);
            }

            DoctorFact? login = Need("DOC-110", Server, "CrmLogin");
            if (login != null)
            {
                if (string.IsNullOrEmpty(login.Value))
                {
                    CannotCheck("DOC-110", Server, "--crm-login / @CrmLogin");
                }
                else if (DoctorFacts.Flag(Need("DOC-110", Server, "CrmLoginSysadmin")) == true)
                {
                    Add("DOC-110", Server, "login = " + login.Value + "; IS_SRVROLEMEMBER('sysadmin') = 1");
                }
            }

            DoctorFact? serverCollation = Need("DOC-111", Server, "ServerCollation");
            if (serverCollation != null && !Same(serverCollation.Value, DoctorRules.RequiredCollation))
            {
                Add("DOC-111", Server, "SERVERPROPERTY('Collation') = " + serverCollation.Value);
            }

            string? crmDatabase = facts.Find(Crm, "DatabaseName")?.Value;
            DoctorFact? crmCollation = crmDatabase == null ? null : facts.Find("database:" + crmDatabase, "Collation");
            DoctorFact? tempdb = Need("DOC-112", Server, "TempdbCollation");
            if (tempdb != null && crmCollation?.Value != null && !Same(tempdb.Value, crmCollation.Value))
            {
                Add("DOC-112", Server, "tempdb = " + tempdb.Value + "; " + crmDatabase + " = " + crmCollation.Value);
            }

            if (crmDatabase != null)
            {
                DoctorFact? collation = Need("DOC-113", "database:" + crmDatabase, "Collation");
                if (collation != null && !Same(collation.Value, DoctorRules.RequiredCollation))
                {
                    Add("DOC-113", "database:" + crmDatabase, "collation_name = " + collation.Value);
                }
            }

            foreach (string scope in facts.Scopes("database:"))
            {
                if (Same(facts.Find(scope, "Role")?.Value, "GesCom") && crmCollation?.Value != null)
                {
                    DoctorFact? collation = Need("DOC-114", scope, "Collation");
                    if (collation?.Value != null && !Same(collation.Value, crmCollation.Value))
                    {
                        Add("DOC-114", scope, "collation_name = " + collation.Value + "; CRM = " + crmCollation.Value);
                    }
                }
            }
        }

        private void Memory(string id, string name, string label, long totalData, bool sizesKnown)
        {
            DoctorFact? memory = Need(id, Server, name);
            long? value = DoctorFacts.Number(memory);
            if (value == null)
            {
                return;
            }

            if (!sizesKnown)
            {
                CannotCheck(id, Server, "VIEW ANY DEFINITION (sys.master_files)");
            }
            else if (value.Value < totalData + 1024)
            {
                Add(id, Server, Invariant("{0} = {1} MB; data = {2} MB; needed = {3} MB", label, value.Value, totalData, totalData + 1024));
            }
        }

        private void Database(string scope, DateTime? now, string? crmDatabase)
        {
            DoctorFact? state = Need("DOC-212", scope, "State");
            if (state == null)
            {
                return;
            }

            if (!Same(state.Value, "ONLINE"))
            {
                Add("DOC-212", scope, "state_desc = " + (state.Value ?? "NULL"));
                return;
            }

            DoctorFact? recovery = Need("DOC-201", scope, "RecoveryModel");
            if (recovery != null && !Same(recovery.Value, "SIMPLE"))
            {
                Add("DOC-201", scope, "recovery_model_desc = " + recovery.Value);
            }

            long? level = DoctorFacts.Number(Need("DOC-202", scope, "CompatibilityLevel"));
            if (level != null && level.Value < DoctorRules.MinimumCompatibilityLevel)
            {
                Add("DOC-202", scope, Invariant("compatibility_level = {0}", level.Value));
            }

            if (DoctorFacts.Flag(Need("DOC-203", scope, "OwnerValid")) == false)
            {
                Add("DOC-203", scope, "owner = " + (facts.Find(scope, "Owner")?.Value ?? "NULL"));
            }

            Flag("DOC-204", scope, "Trustworthy", "is_trustworthy_on = 1");
            Flag("DOC-205", scope, "AutoShrink", "is_auto_shrink_on = 1");
            Flag("DOC-206", scope, "AutoClose", "is_auto_close_on = 1");
            DoctorFact? verify = Need("DOC-207", scope, "PageVerify");
            if (verify != null && !Same(verify.Value, "CHECKSUM"))
            {
                Add("DOC-207", scope, "page_verify_option_desc = " + verify.Value);
            }

            if (now != null)
            {
                Older("DOC-208", scope, "LastGoodCheckDb", now.Value.AddDays(-7), "LastGoodCheckDbTime");
                Older("DOC-209", scope, "LastFullBackup", now.Value.AddDays(-8), "last full backup");
                DoctorFact? full = Need("DOC-210", scope, "LastFullBackup");
                DoctorFact? diff = Need("DOC-210", scope, "LastDiffBackup");
                DateTime? lastFull = DoctorFacts.Time(full);
                DateTime? lastDiff = DoctorFacts.Time(diff);
                if (full != null && diff != null && lastFull != null)
                {
                    DateTime last = lastDiff != null && lastDiff.Value > lastFull.Value ? lastDiff.Value : lastFull.Value;
                    if (last < now.Value.AddHours(-26))
                    {
                        Add("DOC-210", scope, "last full or differential backup = " + Iso(last));
                    }
                }
            }

            long? data = DoctorFacts.Number(Need("DOC-211", scope, "DataMb"));
            long? log = DoctorFacts.Number(Need("DOC-211", scope, "LogMb"));
            if (data != null && log != null && log.Value > data.Value && log.Value >= 1024)
            {
                Add("DOC-211", scope, Invariant("log = {0} MB; data = {1} MB; log_reuse_wait_desc = {2}", log.Value, data.Value, facts.Find(scope, "LogReuseWait")?.Value ?? "?"));
            }
        }

        private void Pairs(string? crmDatabase)
        {
            if (crmDatabase == null)
            {
                return;
            }

            string crmScope = "database:" + crmDatabase;
            DoctorFact? crmLabel = Need("DOC-213", crmScope, "LastPairLabel");
            if (crmLabel == null)
            {
                return;
            }

            foreach (string scope in facts.Scopes("database:"))
            {
                if (!Same(facts.Find(scope, "Role")?.Value, "GesCom"))
                {
                    continue;
                }

                DoctorFact? labels = Need("DOC-213", scope, "PairLabels");
                if (labels == null)
                {
                    continue;
                }

                if (string.IsNullOrEmpty(crmLabel.Value))
                {
                    Add("DOC-213", scope, "no backup of " + crmDatabase + " with DESCRIPTION 'CrmDb pair <label>' in msdb.dbo.backupset");
                }
                else if (!DoctorRules.Items(labels.Value).Contains(crmLabel.Value!))
                {
                    Add("DOC-213", scope, "CRM pair " + crmLabel.Value + " has no backup of this database");
                }
            }
        }

        private void CrmDbObjects(int major)
        {
            if (DoctorFacts.Flag(Need("DOC-301", Server, "ClrEnabled")) == false)
            {
                Add("DOC-301", Server, "clr enabled = 0");
            }

            bool? strict = DoctorFacts.Flag(Need("DOC-302", Server, "ClrStrictSecurity"));
            if (strict == false && major >= DoctorRules.MinimumMajorVersion)
            {
                Add("DOC-302", Server, "clr strict security = 0");
            }

            DoctorFact? installed = Need("DOC-304", Crm, "AssemblyVersion");
            if (installed != null)
            {
                DoctorFact? package = facts.Find(Crm, "PackageAssemblyVersion");
                if (string.IsNullOrEmpty(installed.Value))
                {
                    Add("DOC-304", Crm, "sys.assemblies: no CrmDb.Clr");
                }
                else if (package?.Value != null && !Same(package.Value, installed.Value))
                {
                    Add("DOC-304", Crm, "installed = " + installed.Value + "; package = " + package.Value);
                }

                if (!string.IsNullOrEmpty(installed.Value) && strict == true && major >= DoctorRules.MinimumMajorVersion
                    && DoctorFacts.Flag(Need("DOC-303", Crm, "AssemblyTrusted")) == false)
                {
                    Add("DOC-303", Crm, "CrmDb.Clr " + installed.Value + ": hash not in sys.trusted_assemblies");
                }
            }

            List("DOC-305", Crm, "MissingObjects", "missing");
            List("DOC-306", Crm, "MissingRoles", "missing");
            List("DOC-307", Crm, "HooksWithoutSupportGrant", "hooks");
            List("DOC-407", Crm, "NonConformingHooks", "hooks");
        }

        private void Integration(string scope)
        {
            DoctorFact? server = facts.Find(scope, "GesComServer");
            bool linked = server != null && !string.IsNullOrEmpty(server.Value);
            if (linked)
            {
                if (DoctorFacts.Flag(Need("DOC-402", scope, "LinkedServerAnswers")) == false)
                {
                    Add("DOC-402", scope, "sp_testlinkedserver " + server!.Value + ": " + (facts.Find(scope, "LinkedServerError")?.Value ?? "?"));
                    return;
                }
            }
            else
            {
                DoctorFact? state = Need("DOC-401", scope, "GesComState");
                if (state != null && !Same(state.Value, "ONLINE"))
                {
                    Add("DOC-401", scope, (facts.Find(scope, "GesComDatabase")?.Value ?? "?") + ": state_desc = " + (state.Value ?? "not found"));
                    return;
                }
            }

            if (DoctorFacts.Flag(Need("DOC-403", scope, "ComptetReadable")) == false)
            {
                Add("DOC-403", scope, "login = " + (facts.Find(scope, "SyncLogin")?.Value ?? "?"));
            }

            long? token = DoctorFacts.Number(Need("DOC-404", scope, "LastToken"));
            DoctorFact? gescomToken = Need("DOC-404", scope, "GesComMaxToken");
            long? maximum = DoctorFacts.Number(gescomToken);
            if (token != null && gescomToken != null && token.Value > (maximum ?? 0))
            {
                Add("DOC-404", scope, Invariant("LastToken = {0}; MAX(F_COMPTET.cbReplication) = {1}", token.Value, maximum ?? 0));
            }

            DoctorFact? statuses = Need("DOC-405", scope, "LastStatuses");
            if (statuses != null)
            {
                List<string> last = DoctorRules.Items(statuses.Value);
                bool allFailed = last.Count >= 3;
                for (int i = 0; i < last.Count && i < 3; i++)
                {
                    allFailed &= Same(last[i], "Failed");
                }

                if (allFailed)
                {
                    Add("DOC-405", scope, "last statuses = " + statuses.Value);
                }
            }

            DoctorFact? durations = Need("DOC-406", scope, "Durations");
            if (durations != null)
            {
                List<long> values = DoctorRules.Numbers(durations.Value);
                if (values.Count >= 20)
                {
                    long[] recent = values.GetRange(0, 10).ToArray();
                    long[] before = values.GetRange(10, 10).ToArray();
                    double recentMedian = DoctorRules.Median(recent);
                    double beforeMedian = DoctorRules.Median(before);
                    if (recentMedian > 2 * beforeMedian)
                    {
                        Add("DOC-406", scope, Invariant("median of the last 10 = {0} ms; of the 10 before = {1} ms", recentMedian, beforeMedian));
                    }
                }
            }

            DoctorFact? replication = Need("DOC-408", scope, "ReplicationStatus");
            if (replication?.Value != null && (Same(replication.Value, "fail") || Same(replication.Value, "warning")))
            {
                Add("DOC-408", scope, "status = " + replication.Value + "; " + (facts.Find(scope, "ReplicationMessage")?.Value ?? string.Empty));
            }

            List("DOC-409", scope, "SharedWith", "also named by");
            Anomaly("DOC-501", scope, "PayerMissing");
            Anomaly("DOC-502", scope, "GeneralAccountMissing");
            Anomaly("DOC-503", scope, "UnusedPaymentSlot");
            Anomaly("DOC-504", scope, "LineWithoutHeader");
            Anomaly("DOC-505", scope, "CrmAccountUnmatched");
        }

        private void Anomaly(string id, string scope, string name)
        {
            if (facts.Find(scope, name) == null && !HasScope(scope))
            {
                return;
            }

            long? count = DoctorFacts.Number(Need(id, scope, name));
            if (count != null && count.Value > 0)
            {
                string? query = facts.Find(scope, name + ".Query")?.Value;
                Findings.Add(new DoctorFinding(Check(id), scope, Invariant("rows = {0}", count.Value), null, count.Value, query));
            }
        }

        private bool HasScope(string scope)
        {
            foreach (DoctorFact fact in facts.All)
            {
                if (Same(fact.Scope, scope))
                {
                    return true;
                }
            }

            return false;
        }

        private void Flag(string id, string scope, string name, string details)
        {
            if (DoctorFacts.Flag(Need(id, scope, name)) == true)
            {
                Add(id, scope, details);
            }
        }

        private void List(string id, string scope, string name, string label)
        {
            DoctorFact? list = Need(id, scope, name);
            if (list != null && DoctorRules.Items(list.Value).Count > 0)
            {
                Add(id, scope, label + ": " + list.Value);
            }
        }

        private void Older(string id, string scope, string name, DateTime limit, string label)
        {
            DoctorFact? fact = Need(id, scope, name);
            if (fact == null)
            {
                return;
            }

            DateTime? time = DoctorFacts.Time(fact);
            if (time == null || time.Value < limit)
            {
                Add(id, scope, label + " = " + (time == null ? "never" : Iso(time.Value)));
            }
        }

        // The fact when it can be read; otherwise a "cannot check" finding of the check (once per scope).
        private DoctorFact? Need(string id, string scope, string name)
        {
            DoctorFact? fact = facts.Find(scope, name);
            if (fact == null)
            {
                CannotCheck(id, scope, "fact " + name + " not gathered");
                return null;
            }

            if (!fact.IsReadable)
            {
                CannotCheck(id, scope, fact.MissingRight!);
                return null;
            }

            return fact;
        }

        private void CannotCheck(string id, string scope, string right)
        {
            foreach (DoctorFinding finding in Findings)
            {
                if (finding.CannotCheck && finding.Check.Id == id && Same(finding.Scope, scope))
                {
                    return;
                }
            }

            Findings.Add(new DoctorFinding(Check(id), scope, string.Empty, right, null, null));
        }

        private void Add(string id, string scope, string details)
        {
            Findings.Add(new DoctorFinding(Check(id), scope, details, null, null, null));
        }

        private DoctorCheck Check(string id)
        {
            for (int i = 0; i < checks.Length; i++)
            {
                if (checks[i].Id == id)
                {
                    return checks[i];
                }
            }

            throw new ArgumentException("Unknown doctor check " + id + ".", nameof(id));
        }

        private static bool Same(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

        private static string Iso(DateTime time) => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

        private static string Invariant(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
