using System;
using System.Collections.Generic;
using System.Text;
using System.Xml;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// What a REPLI value's compilation depends on besides its own text (docs/replication.md,
    /// "Validation fingerprint"): the GesCom tables it reads (F_COMPTET, whose row it is evaluated
    /// on, and every #F_/#P_ token table of its subqueries) and the functions it calls
    /// (schema-qualified, those of the allow-list). Built-ins are the engine's and are covered by
    /// its version. A lexical scan suffices because only values that passed
    /// <see cref="ReplicationValueParser.Check"/> get here: in such a value a two-part name
    /// followed by '(' is always a call of an allowed function, and a single #token# word always a table.
    /// </summary>
    public sealed class ReplicationReferences
    {
        /// <summary>The table every value is evaluated on.</summary>
        public const string SourceTable = "F_COMPTET";

        private ReplicationReferences(List<string> tables, List<string> functions)
        {
            Tables = tables;
            Functions = functions;
        }

        /// <summary>GesCom tables in schema dbo, as the tokens name them (F_COMPTET first); no duplicate, ignoring case.</summary>
        public IList<string> Tables { get; }

        /// <summary>Functions of the CRM database, quoted two-part names ([dbo].[FCT_condpaiement]); no duplicate, ignoring case.</summary>
        public IList<string> Functions { get; }

        /// <summary>What one value reads.</summary>
        public static ReplicationReferences Of(string expression)
        {
            var tables = new List<string> { SourceTable };
            var functions = new List<string>();
            Collect(expression, tables, functions);
            return new ReplicationReferences(tables, functions);
        }

        /// <summary>What the values of all the fields read, together.</summary>
        public static ReplicationReferences Of(IEnumerable<ReplicationField> fields)
        {
            if (fields == null)
            {
                throw new ArgumentNullException(nameof(fields));
            }

            var tables = new List<string> { SourceTable };
            var functions = new List<string>();
            foreach (ReplicationField field in fields)
            {
                Collect(field.Expression, tables, functions);
            }

            return new ReplicationReferences(tables, functions);
        }

        /// <summary>The tables separated by commas (their names are letters, digits and '_': no escaping needed).</summary>
        public string TableList() => string.Join(",", Tables);

        /// <summary>The functions as &lt;functions&gt;&lt;function name="[dbo].[X]"/&gt;&lt;/functions&gt;, for T-SQL to shred.</summary>
        public string FunctionListXml()
        {
            var text = new StringBuilder();
            var settings = new XmlWriterSettings { OmitXmlDeclaration = true };
            using (var writer = XmlWriter.Create(text, settings))
            {
                writer.WriteStartElement("functions");
                foreach (string function in Functions)
                {
                    writer.WriteStartElement("function");
                    writer.WriteAttributeString("name", function);
                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
            }

            return text.ToString();
        }

        private static void Collect(string expression, List<string> tables, List<string> functions)
        {
            if (expression == null)
            {
                throw new ArgumentNullException(nameof(expression));
            }

            List<SqlToken> tokens = SqlTokenizer.Tokenize(expression);
            for (int i = 0; i < tokens.Count; i++)
            {
                SqlToken token = tokens[i];
                if (token.Kind == SqlTokenKind.Word && token.Text.Length > 2 && token.Text[0] == '#'
                    && token.Text[token.Text.Length - 1] == '#' && TokenExpander.CountTokens(token.Text) == 1)
                {
                    AddOnce(tables, token.Text.Substring(1, token.Text.Length - 2));
                }
                else if (i + 3 < tokens.Count && IsName(token) && tokens[i + 1].IsSymbol('.') && IsName(tokens[i + 2]) && tokens[i + 3].IsSymbol('('))
                {
                    AddOnce(functions, SqlName.Quote(Unquoted(token)) + "." + SqlName.Quote(Unquoted(tokens[i + 2])));
                    i += 2;
                }
            }
        }

        private static bool IsName(SqlToken token) =>
            token.Kind == SqlTokenKind.QuotedIdentifier || (token.Kind == SqlTokenKind.Word && token.Text[0] != '#');

        private static string Unquoted(SqlToken token)
        {
            if (token.Kind != SqlTokenKind.QuotedIdentifier)
            {
                return token.Text;
            }

            char closer = token.Text[0] == '[' ? ']' : '"';
            string inner = token.Text.Substring(1, token.Text.Length - 2);
            return inner.Replace(new string(closer, 2), new string(closer, 1));
        }

        private static void AddOnce(List<string> list, string value)
        {
            foreach (string existing in list)
            {
                if (string.Equals(existing, value, StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }

            list.Add(value);
        }
    }
}
