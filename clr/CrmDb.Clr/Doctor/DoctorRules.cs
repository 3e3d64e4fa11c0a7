using System;
using System.Collections.Generic;
using System.Globalization;

namespace CrmDb.Clr.Doctor
{
    /// <summary>
    /// The doctor's decisions: pure functions from the facts the fact batch of dbo.MC_doctor read
    /// to findings. crmdb doctor and dbo.MC_doctorfindings (this assembly inside SQL Server) call
    /// the same code, so both give the same ids for the same facts. A fact the caller could not
    /// read gives a "cannot check" finding of the check that needed it, naming the right: never a
    /// silent pass. The instance and database rows that publish's prerequisite table also has
    /// (version, compatibility, owner, CLR, recovery, collation, TRUSTWORTHY) use its thresholds;
    /// a test checks both agree on the same facts.
    /// </summary>
    public static class DoctorRules
    {
        /// <summary>SQL Server 2017, as the prerequisite table's floor.</summary>
        public const int MinimumMajorVersion = 14;

        /// <summary>Compatibility level 140, as the prerequisite table's floor.</summary>
        public const int MinimumCompatibilityLevel = 140;

        /// <summary>The guide's collation.</summary>
        public const string RequiredCollation = "French_CI_AS";

        /// <summary>The guide's ceiling for SQL Express: under 10 users.</summary>
        public const int ExpressMaximumUsers = 10;

        /// <summary>The share of the Express size limit above which a database is reported.</summary>
        public const int ExpressWarningPercent = 80;

        /// <summary>The findings for <paramref name="facts"/>, ordered by priority, then id, then scope.</summary>
        public static List<DoctorFinding> Evaluate(DoctorFacts facts)
        {
            var evaluation = new DoctorEvaluation(facts);
            evaluation.Run();
            List<DoctorFinding> findings = evaluation.Findings;
            Sort(findings);
            return findings;
        }

        /// <summary>The one finding of a run that could not connect.</summary>
        public static List<DoctorFinding> ConnectionFailed(string server, string message)
        {
            DoctorCheck check = DoctorCatalog.Find("DOC-001")!;
            return new List<DoctorFinding> { new DoctorFinding(check, "server:" + server, message, null, null, null) };
        }

        /// <summary>0 when no finding is as urgent as <paramref name="failOn"/> (priority at most that number), else 1.</summary>
        public static int ExitCode(IList<DoctorFinding> findings, int failOn)
        {
            for (int i = 0; i < findings.Count; i++)
            {
                if (findings[i].Priority <= failOn)
                {
                    return 1;
                }
            }

            return 0;
        }

        /// <summary>The end of Microsoft's extended support of a major version, null when not known here.</summary>
        /// <remarks>Microsoft Lifecycle, "SQL Server 2016/2017/2019/2022" (learn.microsoft.com/lifecycle/products).</remarks>
        public static DateTime? ExtendedSupportEnd(int majorVersion)
        {
            switch (majorVersion)
            {
                case 10: return new DateTime(2019, 7, 9);
                case 11: return new DateTime(2022, 7, 12);
                case 12: return new DateTime(2024, 7, 9);
                case 13: return new DateTime(2026, 7, 14);
                case 14: return new DateTime(2027, 10, 12);
                case 15: return new DateTime(2030, 1, 8);
                case 16: return new DateTime(2033, 1, 11);
                default: return null;
            }
        }

        /// <summary>The data size limit of one database on Express, in MB: 10 GB, 50 GB from SQL Server 2025 (17).</summary>
        public static long ExpressLimitMb(int majorVersion) => majorVersion >= 17 ? 51200 : 10240;

        /// <summary>The median of <paramref name="values"/> (the mean of the two middle ones for an even count).</summary>
        public static double Median(long[] values)
        {
            var copy = new long[values.Length];
            Array.Copy(values, copy, values.Length);
            Array.Sort(copy);
            int middle = copy.Length / 2;
            return copy.Length % 2 == 1 ? copy[middle] : (copy[middle - 1] + copy[middle]) / 2.0;
        }

        /// <summary>Numbers of a comma-separated list; entries that are not numbers are left out.</summary>
        public static List<long> Numbers(string? list)
        {
            var numbers = new List<long>();
            foreach (string item in Items(list))
            {
                if (long.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                {
                    numbers.Add(value);
                }
            }

            return numbers;
        }

        /// <summary>The non-empty trimmed items of a comma-separated list.</summary>
        public static List<string> Items(string? list)
        {
            var items = new List<string>();
            if (list == null)
            {
                return items;
            }

            foreach (string part in list.Split(','))
            {
                string item = part.Trim();
                if (item.Length > 0)
                {
                    items.Add(item);
                }
            }

            return items;
        }

        private static void Sort(List<DoctorFinding> findings)
        {
            // Insertion sort: stable, and no comparison delegate for the SAFE assembly to cache.
            for (int i = 1; i < findings.Count; i++)
            {
                DoctorFinding current = findings[i];
                int j = i - 1;
                while (j >= 0 && Compare(findings[j], current) > 0)
                {
                    findings[j + 1] = findings[j];
                    j--;
                }

                findings[j + 1] = current;
            }
        }

        private static int Compare(DoctorFinding a, DoctorFinding b)
        {
            int order = a.Priority.CompareTo(b.Priority);
            if (order == 0)
            {
                order = string.CompareOrdinal(a.Check.Id, b.Check.Id);
            }

            return order;
        }
    }
}
