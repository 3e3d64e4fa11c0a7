using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// Builds the statements that replicate every valid declared field of an integration
    /// (docs/replication.md), run by dbo.MC_replicate through sp_executesql, in this order:
    /// <list type="number">
    /// <item><see cref="BuildColumns"/>: one column per field added to the local table
    /// <see cref="SourceTable"/> that dbo.MC_replicate created (<see cref="SourceTableDefinition"/>);</item>
    /// <item><see cref="BuildRead"/> (<see cref="ReadParameterDefinitions"/>): the F_COMPTET rows with
    /// cbReplication &gt;= @token, every field's expression evaluated there and converted to its
    /// column's type, copied into that table; @NewToken = the highest cbReplication read. It is the
    /// only statement that names GesCom, and dbo.MC_replicate runs it before it opens its
    /// transaction: no remote read or write ever runs inside a local transaction or under a
    /// savepoint;</item>
    /// <item><see cref="BuildWrite"/> (<see cref="WriteParameterDefinitions"/>): ONE UPDATE of
    /// dbo.Account joined on acc_erp_account_id = CT_Num (explicit COLLATE: the GesCom collation
    /// may differ). Each field has its own watermark, in <see cref="WatermarkTable"/>
    /// (<see cref="WatermarkTableDefinition"/>, one row per field number): a field takes a row's
    /// value only when the row's cbReplication &gt;= its watermark, so a field that was refused in
    /// earlier cycles catches up while the others do not rewrite what they already wrote. Only
    /// rows where at least one value differs are written, NULLs included (EXISTS (SELECT current
    /// EXCEPT SELECT new)); character values compare under a binary collation so that a change of
    /// case or accent counts. @RowsChanged = the rows written.</item>
    /// </list>
    /// The token is a parameter, never part of the text; names go through <see cref="SqlName.Quote"/>.
    /// <see cref="Build"/> writes the whole sequence as one script (tests, benchmarks, reading).
    /// </summary>
    public static class ReplicationStatementBuilder
    {
        /// <summary>The sp_executesql parameter list of the whole script (<see cref="Build"/>).</summary>
        public const string ParameterDefinitions = "@token int, @RowsChanged int OUTPUT, @NewToken int OUTPUT";

        /// <summary>The sp_executesql parameter list of <see cref="BuildRead"/>.</summary>
        public const string ReadParameterDefinitions = "@token int, @NewToken int OUTPUT";

        /// <summary>The sp_executesql parameter list of <see cref="BuildWrite"/>.</summary>
        public const string WriteParameterDefinitions = "@RowsChanged int OUTPUT";

        /// <summary>The temporary table the GesCom rows are read into.</summary>
        public const string SourceTable = "#MC_replicate_source";

        /// <summary>The temporary table of the fields' watermarks: FieldNo (1, 2, ... in list order), Token.</summary>
        public const string WatermarkTable = "#MC_replicate_watermark";

        /// <summary>What dbo.MC_replicate runs before the statements (its text says the same).</summary>
        public const string SourceTableDefinition =
            "CREATE TABLE #MC_replicate_source (CT_Num nvarchar(100) COLLATE DATABASE_DEFAULT NULL, cbReplication int NULL);";

        /// <summary>What dbo.MC_replicate runs before the statements (its text says the same).</summary>
        public const string WatermarkTableDefinition =
            "CREATE TABLE #MC_replicate_watermark (FieldNo int NOT NULL PRIMARY KEY, Token int NOT NULL);";

        /// <summary>The collation character values are compared under.</summary>
        public const string ComparisonCollation = "Latin1_General_BIN2";

        /// <summary>
        /// The whole sequence as one script, for <see cref="ParameterDefinitions"/>: the two
        /// tables, every field's watermark set to @token, the columns, the read, the write.
        /// Throws ArgumentException for a field that could not be placed safely.
        /// </summary>
        public static string Build(GesComLocation location, IList<ReplicationField> fields)
        {
            string read = BuildRead(location, fields);
            var text = new StringBuilder(1024);
            text.Append(SourceTableDefinition).Append('\n').Append(WatermarkTableDefinition).Append("\n\n");
            if (fields.Count > 0)
            {
                text.Append("INSERT INTO ").Append(WatermarkTable).Append(" (FieldNo, Token)\nVALUES ");
                for (int i = 0; i < fields.Count; i++)
                {
                    text.Append(i == 0 ? string.Empty : ", ").Append('(').Append(Number(i + 1)).Append(", ISNULL(@token, -2147483648))");
                }

                text.Append(";\n\n").Append(BuildColumns(fields)).Append('\n');
            }

            return text.Append(read).Append('\n').Append(BuildWrite(fields))
                .Append("\nDROP TABLE ").Append(WatermarkTable).Append(";\nDROP TABLE ").Append(SourceTable).Append(";\n")
                .ToString();
        }

        /// <summary>
        /// ALTER TABLE #MC_replicate_source ADD v1 &lt;type&gt; NULL, ...: one column per field, of its
        /// dbo.Account column's type; empty when there is no field.
        /// </summary>
        public static string BuildColumns(IList<ReplicationField> fields)
        {
            List<ReplicationColumnType> types = Checked(fields, out _);
            if (types.Count == 0)
            {
                return string.Empty;
            }

            var text = new StringBuilder("ALTER TABLE ").Append(SourceTable).Append(" ADD ");
            for (int i = 0; i < types.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ", ").Append(ValueName(i)).Append(' ').Append(types[i].Text).Append(" NULL");
            }

            return text.Append(';').ToString();
        }

        /// <summary>
        /// The read: GesCom rows with cbReplication &gt;= @token into #MC_replicate_source, then
        /// @NewToken. With no field it only reads the watermark, so that every cycle still reads it.
        /// </summary>
        public static string BuildRead(GesComLocation location, IList<ReplicationField> fields)
        {
            if (location == null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            List<ReplicationColumnType> types = Checked(fields, out _);
            string source = SourceName(location);
            var text = new StringBuilder(512 + (fields.Count * 256));
            text.Append("/* dbo.MC_replicate: ").Append(Number(fields.Count))
                .Append(" replicated field(s) read from ").Append(source).Append(". */\n");

            if (fields.Count == 0)
            {
                return text.Append("SELECT @NewToken = MAX(G.cbReplication)\n")
                    .Append("FROM ").Append(source).Append(" AS G\n")
                    .Append("WHERE G.cbReplication >= @token;\n")
                    .ToString();
            }

            // GesCom rows read once into the local table, each value already of its column's type.
            text.Append("INSERT INTO ").Append(SourceTable).Append(" (CT_Num, cbReplication");
            for (int i = 0; i < fields.Count; i++)
            {
                text.Append(", ").Append(ValueName(i));
            }

            text.Append(")\nSELECT\n")
                .Append("    G.CT_Num AS CT_Num,\n")
                .Append("    G.cbReplication AS cbReplication");
            for (int i = 0; i < fields.Count; i++)
            {
                text.Append(",\n    CONVERT(").Append(types[i].Text).Append(", (\n")
                    .Append(TokenExpander.Expand(fields[i].Expression, location))
                    .Append("\n    )) AS ").Append(ValueName(i));
            }

            return text.Append("\nFROM ").Append(source).Append(" AS G\n")
                .Append("WHERE G.cbReplication >= @token;\n\n")
                .Append("SELECT @NewToken = MAX(S.cbReplication) FROM ").Append(SourceTable).Append(" AS S;\n")
                .ToString();
        }

        /// <summary>The write: one local UPDATE of dbo.Account, each field from its own watermark; @RowsChanged.</summary>
        public static string BuildWrite(IList<ReplicationField> fields)
        {
            List<ReplicationColumnType> types = Checked(fields, out List<string> columns);
            var text = new StringBuilder(256 + (fields.Count * 256));
            text.Append("/* dbo.MC_replicate: ").Append(Number(fields.Count)).Append(" replicated field(s) written into dbo.Account. */\n");
            if (fields.Count == 0)
            {
                return text.Append("SET @RowsChanged = 0;\n").ToString();
            }

            text.Append("UPDATE A\nSET ");
            for (int i = 0; i < fields.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ",\n    ")
                    .Append("A.").Append(columns[i]).Append(" = ").Append(NewValue(i, columns[i]));
            }

            text.Append("\nFROM dbo.Account AS A\n")
                .Append("INNER JOIN ").Append(SourceTable).Append(" AS S\n")
                .Append("    ON A.acc_erp_account_id = S.CT_Num COLLATE DATABASE_DEFAULT\n")
                .Append("WHERE EXISTS (\n    SELECT ");
            for (int i = 0; i < fields.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ", ").Append("A.").Append(columns[i]).Append(Compared(types[i]));
            }

            text.Append("\n    EXCEPT\n    SELECT ");
            for (int i = 0; i < fields.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ",\n        ").Append('(').Append(NewValue(i, columns[i])).Append(')').Append(Compared(types[i]));
            }

            return text.Append(");\n\n")
                .Append("SET @RowsChanged = @@ROWCOUNT;\n")
                .ToString();
        }

        /// <summary>
        /// The text that checks one field's expression, for sys.dm_exec_describe_first_result_set
        /// (or sys.sp_describe_first_result_set): the expression as the statement evaluates it,
        /// converted to its column's type, over the integration's F_COMPTET. A compile error
        /// (unknown column or function, impossible conversion) is reported without running anything.
        /// </summary>
        public static string BuildCheck(GesComLocation location, string expression, string columnType)
        {
            if (location == null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            string? problem = ReplicationExpression.Problem(expression);
            if (problem != null)
            {
                throw new ArgumentException(problem, nameof(expression));
            }

            ReplicationColumnType type = ReplicationColumnType.Parse(columnType)
                ?? throw new ArgumentException("Not a replicable column type: " + columnType, nameof(columnType));
            return "SELECT CONVERT(" + type.Text + ", (\n"
                + TokenExpander.Expand(expression, location)
                + "\n    )) AS [value]\nFROM " + SourceName(location) + " AS G;";
        }

        /// <summary>The text that checks that the integration's F_COMPTET can be read at all.</summary>
        public static string BuildSourceCheck(GesComLocation location)
        {
            if (location == null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            return "SELECT G.CT_Num, G.cbReplication\nFROM " + SourceName(location) + " AS G;";
        }

        /// <summary>The integration's F_COMPTET: &lt;qualifier&gt;.dbo.F_COMPTET.</summary>
        public static string SourceName(GesComLocation location) =>
            TokenExpander.Expand("#F_COMPTET#", location);

        private static ReplicationColumnType TypeOf(ReplicationField field) =>
            ReplicationColumnType.Parse(field.ColumnType)
            ?? throw new ArgumentException(
                "Field " + field.ParameterName + ": the type '" + field.ColumnType + "' of column " + field.Column + " cannot be replicated.",
                nameof(field));

        /// <summary>Field i's value for a row: GesCom's when the row is at or past the field's watermark, else the current one.</summary>
        private static string NewValue(int index, string column) =>
            "CASE WHEN S.cbReplication >= (SELECT W.Token FROM " + WatermarkTable + " AS W WHERE W.FieldNo = " + Number(index + 1)
            + ") THEN S." + ValueName(index) + " ELSE A." + column + " END";

        /// <summary>Checks every field (placed safely, one field per column) and returns their types and quoted columns.</summary>
        private static List<ReplicationColumnType> Checked(IList<ReplicationField> fields, out List<string> columns)
        {
            if (fields == null)
            {
                throw new ArgumentNullException(nameof(fields));
            }

            columns = new List<string>(fields.Count);
            var types = new List<ReplicationColumnType>(fields.Count);
            // A Dictionary, not a HashSet: System.Core's HashSet<T> carries HostProtection(MayLeakOnAbort),
            // which SQL Server refuses in a SAFE assembly at run time (Msg 6522).
            var seen = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            foreach (ReplicationField field in fields)
            {
                if (field == null)
                {
                    throw new ArgumentException("The replication field list holds a null field.", nameof(fields));
                }

                if (field.Column.Length == 0 || seen.ContainsKey(field.Column))
                {
                    throw new ArgumentException(
                        "Field " + field.ParameterName + ": the column '" + field.Column + "' is empty or written by another field; each dbo.Account column can be written by one field only.",
                        nameof(fields));
                }

                seen.Add(field.Column, true);

                columns.Add(SqlName.Quote(field.Column));
                types.Add(TypeOf(field));
                string? problem = ReplicationExpression.Problem(field.Expression);
                if (problem != null)
                {
                    throw new ArgumentException("Field " + field.ParameterName + ": " + problem, nameof(fields));
                }
            }

            return types;
        }

        private static string Compared(ReplicationColumnType type) =>
            type.IsCharacter ? " COLLATE " + ComparisonCollation : string.Empty;

        private static string ValueName(int index) => "v" + Number(index + 1);

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
