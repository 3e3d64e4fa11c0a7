using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Xml;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// The field list that dbo.MC_replicate hands to the CLR, as XML:
    /// <code>
    /// &lt;fields&gt;
    ///   &lt;field no="1" parameter="REPLI_acc_numpayeur_repli" column="acc_numpayeur_repli" type="nvarchar(17)"&gt;[CT_NumPayeur]&lt;/field&gt;
    /// &lt;/fields&gt;
    /// </code>
    /// The "no" attribute is optional: the caller's key for the field, echoed in the answers that name fields.
    /// T-SQL writes it with FOR XML PATH('field'), ROOT('fields'), so no value needs escaping by hand.
    /// </summary>
    public static class ReplicationFieldList
    {
        /// <summary>Reads the fields; null or empty text is no field. Throws on anything else than the format above.</summary>
        public static IList<ReplicationField> Parse(string? xml)
        {
            var fields = new List<ReplicationField>();
            if (xml == null || xml.Trim().Length == 0)
            {
                return fields;
            }

            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
            };
            using (var reader = XmlReader.Create(new StringReader(xml), settings))
            {
                reader.MoveToContent();
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "fields")
                {
                    throw new FormatException("The replication field list must be a <fields> element holding <field> elements.");
                }

                if (reader.IsEmptyElement)
                {
                    return fields;
                }

                reader.Read();
                while (reader.MoveToContent() == XmlNodeType.Element)
                {
                    if (reader.LocalName != "field")
                    {
                        throw new FormatException("Unexpected element <" + reader.LocalName + "> in the replication field list: only <field> elements are allowed.");
                    }

                    string parameter = Required(reader, "parameter");
                    string column = Required(reader, "column");
                    string type = Required(reader, "type");
                    string key = reader.GetAttribute("no") ?? string.Empty;
                    string expression = reader.ReadElementContentAsString();
                    fields.Add(new ReplicationField(parameter, column, type, expression, key));
                }
            }

            return fields;
        }

        /// <summary>Writes fields in the format <see cref="Parse"/> reads (as FOR XML would).</summary>
        public static string Format(IEnumerable<ReplicationField> fields)
        {
            if (fields == null)
            {
                throw new ArgumentNullException(nameof(fields));
            }

            var text = new StringBuilder();
            var settings = new XmlWriterSettings { OmitXmlDeclaration = true, NewLineHandling = NewLineHandling.Entitize };
            using (var writer = XmlWriter.Create(text, settings))
            {
                writer.WriteStartElement("fields");
                foreach (ReplicationField field in fields)
                {
                    writer.WriteStartElement("field");
                    if (field.Key.Length > 0)
                    {
                        writer.WriteAttributeString("no", field.Key);
                    }

                    writer.WriteAttributeString("parameter", field.ParameterName);
                    writer.WriteAttributeString("column", field.Column);
                    writer.WriteAttributeString("type", field.ColumnType);
                    writer.WriteString(field.Expression);
                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
            }

            return text.ToString();
        }

        private static string Required(XmlReader reader, string attribute)
        {
            string? value = reader.GetAttribute(attribute);
            if (value == null)
            {
                throw new FormatException("A <field> of the replication field list has no '" + attribute + "' attribute.");
            }

            return value;
        }
    }
}
