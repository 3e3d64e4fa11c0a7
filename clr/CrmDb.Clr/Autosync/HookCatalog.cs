using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Xml;

namespace CrmDb.Clr.Autosync
{
    /// <summary>A procedure whose name starts with AUTOSYNC, as the catalog describes it.</summary>
    public sealed class HookProcedure
    {
        /// <summary>Creates a description.</summary>
        public HookProcedure(string schema, string name, string? definition, IList<HookParameter> parameters)
        {
            Schema = schema;
            Name = name;
            Definition = definition;
            Parameters = parameters;
        }

        /// <summary>Schema name.</summary>
        public string Schema { get; }

        /// <summary>Procedure name.</summary>
        public string Name { get; }

        /// <summary>OBJECT_DEFINITION; null when encrypted or not visible.</summary>
        public string? Definition { get; }

        /// <summary>Declared parameters, in order.</summary>
        public IList<HookParameter> Parameters { get; }
    }

    /// <summary>One line of the hook list: what runs, in which order, or why not.</summary>
    public sealed class HookEntry
    {
        internal HookEntry(int runOrder, HookProcedure procedure, IEnumerable<HookParameter> parameters, HookName? name, HookBindingPlan? plan, string reason, string? statement, string? display)
        {
            RunOrder = runOrder;
            Schema = procedure.Schema;
            Name = procedure.Name;
            Order = name?.Order;
            Label = name?.Label;
            Parameters = HookBindingPlan.DescribeParameters(parameters);
            IsConforming = name != null && plan != null && plan.IsConforming;
            Reason = reason;
            Statement = statement;
            Display = display;
        }

        /// <summary>1, 2, ...: the position in the run; off-pattern names come last.</summary>
        public int RunOrder { get; }

        /// <summary>Schema name.</summary>
        public string Schema { get; }

        /// <summary>Procedure name.</summary>
        public string Name { get; }

        /// <summary>The order digits, null when the name is off the pattern.</summary>
        public string? Order { get; }

        /// <summary>The label, null when the name is off the pattern.</summary>
        public string? Label { get; }

        /// <summary>The declared parameters as text.</summary>
        public string Parameters { get; }

        /// <summary>True when the hook runs.</summary>
        public bool IsConforming { get; }

        /// <summary>Why it does not run (French); empty when it conforms.</summary>
        public string Reason { get; }

        /// <summary>The statement for sp_executesql with <see cref="HookContract.StatementParameters"/>; null when it does not run.</summary>
        public string? Statement { get; }

        /// <summary>The call with literal values, for traces; null when it does not run.</summary>
        public string? Display { get; }
    }

    /// <summary>
    /// Turns the catalog's description of the AUTOSYNC procedures (an XML document built by T-SQL
    /// with FOR XML) into the ordered list of hooks, with each one's statement or the reason it
    /// does not run.
    /// </summary>
    public static class HookCatalog
    {
        /// <summary>
        /// Reads <c>&lt;procedures&gt;&lt;procedure schema="" name=""&gt;&lt;definition&gt;…&lt;/definition&gt;
        /// &lt;parameter name="" type="" usertype="" maxlength="" precision="" scale="" output="" readonly="" hasdefault=""/&gt;…</c>.
        /// Null or empty text is no procedure.
        /// </summary>
        public static List<HookProcedure> ParseXml(string? xml)
        {
            var procedures = new List<HookProcedure>();
            if (string.IsNullOrEmpty(xml))
            {
                return procedures;
            }

            // FOR XML writes characters XML 1.0 forbids (control characters in a definition) as
            // character references: accept them rather than fail on an odd procedure text.
            var settings = new XmlReaderSettings
            {
                CheckCharacters = false,
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreComments = true,
                IgnoreWhitespace = false,
            };
            using (var reader = XmlReader.Create(new StringReader(xml!), settings))
            {
                string schema = "dbo";
                string name = string.Empty;
                string? definition = null;
                List<HookParameter>? parameters = null;
                reader.MoveToContent();
                while (!reader.EOF)
                {
                    bool isElement = reader.NodeType == XmlNodeType.Element;
                    if (isElement && reader.LocalName == "procedure")
                    {
                        schema = reader.GetAttribute("schema") ?? "dbo";
                        name = reader.GetAttribute("name") ?? string.Empty;
                        definition = null;
                        parameters = new List<HookParameter>();
                        if (reader.IsEmptyElement)
                        {
                            procedures.Add(new HookProcedure(schema, name, definition, parameters));
                            parameters = null;
                        }

                        reader.Read();
                    }
                    else if (isElement && reader.LocalName == "definition" && parameters != null)
                    {
                        // Moves past the element's end: no Read() after it.
                        definition = reader.ReadElementContentAsString();
                    }
                    else if (isElement && reader.LocalName == "parameter" && parameters != null)
                    {
                        parameters.Add(ReadParameter(reader));
                        reader.Read();
                    }
                    else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "procedure" && parameters != null)
                    {
                        procedures.Add(new HookProcedure(schema, name, definition, parameters));
                        parameters = null;
                        reader.Read();
                    }
                    else
                    {
                        reader.Read();
                    }
                }
            }

            return procedures;
        }

        /// <summary>
        /// The hooks in run order (numeric order, label, schema), each with its statement or why it
        /// does not run; names off the pattern come last, by name.
        /// </summary>
        public static List<HookEntry> Plan(IEnumerable<HookProcedure> procedures, HookValues values)
        {
            var named = new List<KeyValuePair<HookName, HookProcedure>>();
            var offPattern = new List<HookProcedure>();
            foreach (HookProcedure procedure in procedures)
            {
                if (HookName.TryParse(procedure.Name, out HookName? name, out _))
                {
                    named.Add(new KeyValuePair<HookName, HookProcedure>(name!, procedure));
                }
                else
                {
                    offPattern.Add(procedure);
                }
            }

            // Comparer instances, not lambdas: see NamedHookOrder (no compiler-generated static cache).
            named.Sort(new NamedHookOrder());
            offPattern.Sort(new OffPatternHookOrder());

            var entries = new List<HookEntry>();
            foreach (KeyValuePair<HookName, HookProcedure> pair in named)
            {
                HookProcedure procedure = pair.Value;
                List<HookParameter> parameters = WithDefaults(procedure);
                HookBindingPlan plan = HookBindingPlan.Create(parameters, values);
                entries.Add(plan.IsConforming
                    ? new HookEntry(entries.Count + 1, procedure, parameters, pair.Key, plan, string.Empty,
                        plan.BuildStatement(procedure.Schema, procedure.Name), plan.BuildDisplay(procedure.Schema, procedure.Name, values))
                    : new HookEntry(entries.Count + 1, procedure, parameters, pair.Key, plan, "Non conforme : " + plan.Reason, null, null));
            }

            foreach (HookProcedure procedure in offPattern)
            {
                HookName.TryParse(procedure.Name, out _, out string reason);
                entries.Add(new HookEntry(entries.Count + 1, procedure, WithDefaults(procedure), null, null, reason, null, null));
            }

            return entries;
        }

        /// <summary>The procedure's parameters with their defaults read from its definition where the catalog has none.</summary>
        private static List<HookParameter> WithDefaults(HookProcedure procedure)
        {
            Dictionary<string, bool>? defaults = ProcedureHeader.ParameterDefaults(procedure.Definition);
            var parameters = new List<HookParameter>();
            foreach (HookParameter p in procedure.Parameters)
            {
                bool? hasDefault = p.HasDefault;
                if (hasDefault != true)
                {
                    hasDefault = defaults == null ? (bool?)null : defaults.TryGetValue(p.Name, out bool value) && value;
                }

                parameters.Add(new HookParameter(p.Name, p.TypeName, p.UserTypeName, p.MaxLength, p.Precision, p.Scale, p.IsOutput, p.IsReadOnly, hasDefault));
            }

            return parameters;
        }

        private static HookParameter ReadParameter(XmlReader reader)
        {
            // A CLR procedure's default is in the catalog (hasdefault); a T-SQL one's only in its text.
            bool catalogDefault = Flag(reader.GetAttribute("hasdefault"));
            return new HookParameter(
                reader.GetAttribute("name") ?? string.Empty,
                reader.GetAttribute("type") ?? string.Empty,
                reader.GetAttribute("usertype"),
                Number(reader.GetAttribute("maxlength")),
                Number(reader.GetAttribute("precision")),
                Number(reader.GetAttribute("scale")),
                Flag(reader.GetAttribute("output")),
                Flag(reader.GetAttribute("readonly")),
                catalogDefault ? true : (bool?)null);
        }

        private static bool Flag(string? value) => value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

        private static int Number(string? value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) ? number : 0;
    }
}
