using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Xml;

namespace CrmDb.Clr.Doctor
{
    /// <summary>
    /// The facts one run of the doctor gathered, in the order they were read. dbo.MC_doctor passes
    /// them to dbo.MC_doctorfindings as <c>&lt;facts&gt;&lt;f s="scope" n="name" v="value" r="missing right"/&gt;…</c>;
    /// crmdb doctor adds the rows of the same batch one by one. Plain lists and loops: the assembly
    /// is SAFE (no cached delegates, no hash sets).
    /// </summary>
    public sealed class DoctorFacts
    {
        private readonly List<DoctorFact> facts = new List<DoctorFact>();

        /// <summary>Every fact, in order.</summary>
        public IList<DoctorFact> All => facts.AsReadOnly();

        /// <summary>Adds a fact.</summary>
        public void Add(string scope, string name, string? value, string? missingRight = null)
        {
            facts.Add(new DoctorFact(scope, name, value, string.IsNullOrEmpty(missingRight) ? null : missingRight));
        }

        /// <summary>The fact, or null when the batch did not gather it.</summary>
        public DoctorFact? Find(string scope, string name)
        {
            for (int i = 0; i < facts.Count; i++)
            {
                if (string.Equals(facts[i].Scope, scope, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(facts[i].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return facts[i];
                }
            }

            return null;
        }

        /// <summary>The distinct scopes that start with <paramref name="prefix"/> ("database:"), in order of appearance.</summary>
        public List<string> Scopes(string prefix)
        {
            var scopes = new List<string>();
            for (int i = 0; i < facts.Count; i++)
            {
                string scope = facts[i].Scope;
                if (scope.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !Contains(scopes, scope))
                {
                    scopes.Add(scope);
                }
            }

            return scopes;
        }

        /// <summary>Reads the XML dbo.MC_doctor writes; null or empty text is no fact.</summary>
        public static DoctorFacts ParseXml(string? xml)
        {
            var result = new DoctorFacts();
            if (string.IsNullOrEmpty(xml))
            {
                return result;
            }

            var settings = new XmlReaderSettings
            {
                CheckCharacters = false,
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreComments = true,
            };
            using (var reader = XmlReader.Create(new StringReader(xml!), settings))
            {
                while (reader.Read())
                {
                    if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "f")
                    {
                        result.Add(reader.GetAttribute("s") ?? "server", reader.GetAttribute("n") ?? string.Empty, reader.GetAttribute("v"), reader.GetAttribute("r"));
                    }
                }
            }

            return result;
        }

        /// <summary>An integer value, or null (empty or not a number).</summary>
        public static long? Number(DoctorFact? fact)
        {
            if (fact == null || fact.Value == null)
            {
                return null;
            }

            return long.TryParse(fact.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : (long?)null;
        }

        /// <summary>A bit value ("1"/"0", "true"/"false"), or null.</summary>
        public static bool? Flag(DoctorFact? fact)
        {
            if (fact == null || fact.Value == null)
            {
                return null;
            }

            string text = fact.Value.Trim();
            if (text == "1" || string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (text == "0" || string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            return null;
        }

        /// <summary>A date and time written as ISO 8601 (CONVERT style 126), or null.</summary>
        public static DateTime? Time(DoctorFact? fact)
        {
            if (fact == null || fact.Value == null)
            {
                return null;
            }

            return DateTime.TryParse(fact.Value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime value) ? value : (DateTime?)null;
        }

        private static bool Contains(List<string> list, string value)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (string.Equals(list[i], value, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
