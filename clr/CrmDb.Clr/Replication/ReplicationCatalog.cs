using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Xml;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// The catalog metadata that decides whether a REPLI value compiles (docs/replication.md,
    /// "Validation fingerprint"): the columns of the GesCom tables it reads and the signature of
    /// the CRM functions it calls. dbo.MC_replicate reads them once per cycle, before any
    /// transaction of its own: the GesCom part with <see cref="BuildGesComRead"/> (three-part names
    /// on the same instance, four-part through the linked server, as the replication's read
    /// itself), the function part from the CRM's own sys.objects and sys.parameters. Both come as
    /// FOR XML PATH rows, flat (one element per column or parameter), which this class groups
    /// and writes in a canonical form for <see cref="ReplicationFingerprint"/>.
    /// <para>What a login may not see is absent (catalog views show only the securables the user
    /// owns or holds some permission on: "Metadata visibility configuration",
    /// https://learn.microsoft.com/sql/relational-databases/security/metadata-visibility-configuration):
    /// a right taken away changes the metadata too.</para>
    /// </summary>
    public sealed class ReplicationCatalog
    {
        /// <summary>The sp_executesql parameter list of <see cref="BuildGesComRead"/>.</summary>
        public const string GesComReadParameterDefinitions = "@tables nvarchar(max), @metadata nvarchar(max) OUTPUT";

        /// <summary>The canonical text of an object the login cannot see or that does not exist.</summary>
        public const string Absent = "absent";

        private readonly Dictionary<string, List<SortedRow>> tables;
        private readonly Dictionary<string, List<SortedRow>> functions;

        // Each object's canonical text is written once per catalog: every field reading F_COMPTET shares it.
        private readonly Dictionary<string, string> tableTexts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> functionTexts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> tableDigests = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> functionDigests = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        private ReplicationCatalog(Dictionary<string, List<SortedRow>> tables, Dictionary<string, List<SortedRow>> functions)
        {
            this.tables = tables;
            this.functions = functions;
        }

        /// <summary>
        /// The text that reads the columns of the GesCom tables named in @tables (comma-separated,
        /// schema dbo) into @metadata, as &lt;gescom&gt;&lt;c table=".." id=".." type=".." no=".."
        /// name=".." .../&gt;&lt;/gescom&gt; (NULL when none is visible). No value is written into
        /// the text: the table names are the parameter @tables.
        /// </summary>
        public static string BuildGesComRead(GesComLocation location)
        {
            if (location == null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            string q = location.Qualifier;
            return "/* dbo.MC_replicate: the metadata of the GesCom tables the REPLI values read (validation fingerprint). */\n"
                + "SET @metadata = CONVERT(nvarchar(max), (\n"
                + "    SELECT O.name AS [@table], O.object_id AS [@id], O.type AS [@type],\n"
                + "           C.column_id AS [@no], C.name AS [@name], C.system_type_id AS [@system], C.user_type_id AS [@user],\n"
                + "           C.max_length AS [@length], C.precision AS [@precision], C.scale AS [@scale],\n"
                + "           C.collation_name AS [@collation], C.is_nullable AS [@nullable], C.is_computed AS [@computed]\n"
                + "    FROM " + q + ".sys.objects AS O\n"
                + "    INNER JOIN " + q + ".sys.schemas AS S ON S.schema_id = O.schema_id\n"
                + "    INNER JOIN " + q + ".sys.columns AS C ON C.object_id = O.object_id\n"
                + "    WHERE S.name = N'dbo'\n"
                + "      AND O.type IN ('U', 'V')\n"
                + "      AND O.name IN (SELECT T.value FROM STRING_SPLIT(@tables, N',') AS T)\n"
                + "    ORDER BY O.name, C.column_id\n"
                + "    FOR XML PATH(N'c'), ROOT(N'gescom'), TYPE));\n";
        }

        /// <summary>
        /// Reads the two metadata documents: <paramref name="gescomXml"/> as <see cref="BuildGesComRead"/>
        /// writes it, <paramref name="functionsXml"/> as dbo.MC_replicate writes it
        /// (&lt;functions&gt;&lt;p function="[dbo].[X]" id=".." modified=".." no=".." .../&gt;&lt;/functions&gt;,
        /// one element per parameter, parameter 0 being the return value). Null or empty: nothing visible.
        /// </summary>
        public static ReplicationCatalog Parse(string? gescomXml, string? functionsXml)
        {
            return new ReplicationCatalog(Rows(gescomXml, "gescom", "c", "table"), Rows(functionsXml, "functions", "p", "function"));
        }

        /// <summary>True when the table is visible with at least one column.</summary>
        public bool HasTable(string name) => tables.ContainsKey(name);

        /// <summary>The canonical text of a GesCom table's columns, or <see cref="Absent"/>.</summary>
        public string Table(string name) => Cached(tableTexts, tables, name);

        /// <summary>The canonical text of a function's signature, or <see cref="Absent"/>.</summary>
        public string Function(string quotedName) => Cached(functionTexts, functions, quotedName);

        /// <summary>The SHA-256 of <see cref="Table"/>, in hexadecimal; <see cref="Absent"/> for an absent table.</summary>
        public string TableDigest(string name) => Digest(tableDigests, Table(name), name);

        /// <summary>The SHA-256 of <see cref="Function"/>, in hexadecimal; <see cref="Absent"/> for an absent function.</summary>
        public string FunctionDigest(string quotedName) => Digest(functionDigests, Function(quotedName), quotedName);

        private static string Digest(Dictionary<string, string> digests, string text, string name)
        {
            if (text == Absent)
            {
                return Absent;
            }

            if (!digests.TryGetValue(name, out string? digest))
            {
                digest = ReplicationFingerprint.ToHex(ReplicationFingerprint.Hash(text));
                digests.Add(name, digest);
            }

            return digest;
        }

        private static string Cached(Dictionary<string, string> texts, Dictionary<string, List<SortedRow>> objects, string name)
        {
            if (!texts.TryGetValue(name, out string? text))
            {
                text = Canonical(objects, name);
                texts.Add(name, text);
            }

            return text;
        }

        private static string Canonical(Dictionary<string, List<SortedRow>> objects, string name)
        {
            if (!objects.TryGetValue(name, out List<SortedRow>? rows))
            {
                return Absent;
            }

            // Rows in their own order (column_id, parameter_id), whatever order the XML had.
            rows.Sort(new RowOrder());
            var text = new StringBuilder();
            foreach (SortedRow row in rows)
            {
                text.Append(row.Text).Append('\n');
            }

            return text.ToString();
        }

        private static Dictionary<string, List<SortedRow>> Rows(string? xml, string root, string element, string owner)
        {
            var result = new Dictionary<string, List<SortedRow>>(StringComparer.OrdinalIgnoreCase);
            if (xml == null || xml.Trim().Length == 0)
            {
                return result;
            }

            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
                IgnoreWhitespace = true,
            };
            using (var reader = XmlReader.Create(new StringReader(xml), settings))
            {
                reader.MoveToContent();
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != root)
                {
                    throw new FormatException("The catalog metadata must be a <" + root + "> element holding <" + element + "> elements.");
                }

                if (reader.IsEmptyElement)
                {
                    return result;
                }

                reader.Read();
                while (reader.MoveToContent() == XmlNodeType.Element)
                {
                    if (reader.LocalName != element)
                    {
                        throw new FormatException("Unexpected element <" + reader.LocalName + "> in the catalog metadata: only <" + element + "> elements are allowed.");
                    }

                    string name = reader.GetAttribute(owner) ?? throw new FormatException("A <" + element + "> of the catalog metadata has no '" + owner + "' attribute.");
                    int number = int.TryParse(reader.GetAttribute("no"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : -1;
                    var attributes = new List<string>();
                    if (reader.MoveToFirstAttribute())
                    {
                        do
                        {
                            if (reader.LocalName != owner)
                            {
                                attributes.Add(reader.LocalName + "=" + reader.Value.Length.ToString(CultureInfo.InvariantCulture) + ":" + reader.Value);
                            }
                        }
                        while (reader.MoveToNextAttribute());
                    }

                    reader.MoveToElement();
                    // Attributes by name: FOR XML omits NULL ones, and their order is not part of the meaning.
                    attributes.Sort(StringComparer.Ordinal);
                    if (!result.TryGetValue(name, out List<SortedRow>? rows))
                    {
                        rows = new List<SortedRow>();
                        result.Add(name, rows);
                    }

                    rows.Add(new SortedRow(number, string.Join(";", attributes.ToArray())));
                    reader.Skip();
                }
            }

            return result;
        }

        private sealed class SortedRow
        {
            public SortedRow(int number, string text)
            {
                Number = number;
                Text = text;
            }

            public int Number { get; }

            public string Text { get; }
        }

        private sealed class RowOrder : IComparer<SortedRow>
        {
            public int Compare(SortedRow? x, SortedRow? y)
            {
                int byNumber = x!.Number.CompareTo(y!.Number);
                return byNumber != 0 ? byNumber : string.CompareOrdinal(x.Text, y.Text);
            }
        }
    }
}
