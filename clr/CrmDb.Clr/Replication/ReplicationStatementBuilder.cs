using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// Builds the one statement that replicates every valid declared field of an integration
    /// (docs/design.md decision 4), run by dbo.MC_replicate through sp_executesql with
    /// <see cref="ParameterDefinitions"/>:
    /// <list type="number">
    /// <item>read the F_COMPTET rows with cbReplication &gt;= @token, evaluating every field's
    /// expression there and converting it to its column's type, into a local temporary table
    /// (remote data is read once, and all writes are local: no distributed transaction);</item>
    /// <item>@NewToken = the highest cbReplication read;</item>
    /// <item>ONE UPDATE of dbo.Account joined on acc_erp_account_id = CT_Num (explicit COLLATE: the
    /// GesCom collation may differ), writing only rows where at least one value differs, NULLs
    /// included (EXISTS (SELECT current EXCEPT SELECT new)); character values compare under a
    /// binary collation so that a change of case or accent counts;</item>
    /// <item>@RowsChanged = the rows written.</item>
    /// </list>
    /// The token is a parameter, never part of the text; names go through <see cref="SqlName.Quote"/>.
    /// </summary>
    public static class ReplicationStatementBuilder
    {
        /// <summary>The sp_executesql parameter list of the statement.</summary>
        public const string ParameterDefinitions = "@token int, @RowsChanged int OUTPUT, @NewToken int OUTPUT";

        /// <summary>The temporary table the GesCom rows are read into.</summary>
        public const string SourceTable = "#MC_replicate_source";

        /// <summary>The collation character values are compared under.</summary>
        public const string ComparisonCollation = "Latin1_General_BIN2";

        /// <summary>
        /// The statement for <paramref name="fields"/> (in that order). With no field it only
        /// reads the watermark, so that every cycle still sends exactly one statement.
        /// Throws ArgumentException for a field that could not be placed safely.
        /// </summary>
        public static string Build(GesComLocation location, IList<ReplicationField> fields)
        {
            if (location == null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            if (fields == null)
            {
                throw new ArgumentNullException(nameof(fields));
            }

            string source = SourceName(location);
            var text = new StringBuilder(512 + (fields.Count * 256));
            text.Append("/* dbo.MC_replicate: ").Append(Number(fields.Count))
                .Append(" replicated field(s) from ").Append(source).Append(" into dbo.Account. */\n");

            if (fields.Count == 0)
            {
                text.Append("SELECT @NewToken = MAX(G.cbReplication)\n")
                    .Append("FROM ").Append(source).Append(" AS G\n")
                    .Append("WHERE G.cbReplication >= @token;\n\n")
                    .Append("SET @RowsChanged = 0;\n");
                return text.ToString();
            }

            var columns = new List<string>(fields.Count);
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

            // 1. GesCom rows read once into a local table, each value already of its column's type.
            text.Append("SELECT\n")
                .Append("    G.CT_Num AS CT_Num,\n")
                .Append("    G.cbReplication AS cbReplication");
            for (int i = 0; i < fields.Count; i++)
            {
                text.Append(",\n    CONVERT(").Append(types[i].Text).Append(", (\n")
                    .Append(TokenExpander.Expand(fields[i].Expression, location))
                    .Append("\n    )) AS ").Append(ValueName(i));
            }

            text.Append("\nINTO ").Append(SourceTable).Append('\n')
                .Append("FROM ").Append(source).Append(" AS G\n")
                .Append("WHERE G.cbReplication >= @token;\n\n");

            // 2. The watermark: the highest cbReplication read.
            text.Append("SELECT @NewToken = MAX(S.cbReplication) FROM ").Append(SourceTable).Append(" AS S;\n\n");

            // 3. One UPDATE, only where a value differs (EXCEPT treats NULLs as equal to each other).
            text.Append("UPDATE A\nSET ");
            for (int i = 0; i < fields.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ",\n    ")
                    .Append("A.").Append(columns[i]).Append(" = S.").Append(ValueName(i));
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
                text.Append(i == 0 ? string.Empty : ", ").Append("S.").Append(ValueName(i)).Append(Compared(types[i]));
            }

            text.Append(");\n\n")
                .Append("SET @RowsChanged = @@ROWCOUNT;\n\n")
                .Append("DROP TABLE ").Append(SourceTable).Append(";\n");
            return text.ToString();
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

        private static string Compared(ReplicationColumnType type) =>
            type.IsCharacter ? " COLLATE " + ComparisonCollation : string.Empty;

        private static string ValueName(int index) => "v" + Number(index + 1);

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
