using System;
using System.Collections.Generic;
using System.Globalization;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// The SQL Server limits the replication's statements and their local table can reach, checked
    /// before anything runs, so that a declaration that would pass them is refused with a clear
    /// message instead of failing the cycle (docs/replication.md, "Limits"). The figures are those
    /// of "Maximum capacity specifications for SQL Server"
    /// (https://learn.microsoft.com/sql/sql-server/maximum-capacity-specifications-for-sql-server):
    /// <list type="bullet">
    /// <item>columns per (nonwide) table, 1,024: #MC_replicate_source holds CT_Num, cbReplication and
    /// one column per field, so 1,022 fields at most;</item>
    /// <item>bytes per row, 8,060: fixed-length columns always stay in the row; a variable-length
    /// column may be pushed off-row but keeps a 24-byte pointer ("Row-overflow data exceeding 8 KB"),
    /// so the worst case in-row size is what must fit, sized as "Estimate the size of a heap" does
    /// (Row_Size = Fixed_Data_Size + Variable_Data_Size + Null_Bitmap + 4);</item>
    /// <item>batch size, 65,536 * network packet size: the statements run through sp_executesql,
    /// whose text may reach nvarchar(max), but the trace prints them to be run again by hand in a
    /// batch, so each one is kept within the batch size of the default packet size (4 KB), in
    /// UTF-16 characters;</item>
    /// <item>identifier length, 128: the column's name, already refused above it by
    /// <see cref="ReplicationParameter.ColumnOf"/>.</item>
    /// </list>
    /// Limits the statements cannot reach first: columns per SELECT, INSERT or UPDATE (4,096) are
    /// above the 1,024 columns of the table; parameters per statement (2,100) against our three;
    /// nested subqueries (32) are one value's, checked by its own compilation.
    /// </summary>
    public static class ReplicationLimits
    {
        /// <summary>Columns per nonwide table.</summary>
        public const int MaxColumnsPerTable = 1024;

        /// <summary>Columns of #MC_replicate_source that are not fields: CT_Num, cbReplication.</summary>
        public const int SourceKeyColumns = 2;

        /// <summary>Fields per integration: the columns left to the fields.</summary>
        public const int MaxFields = MaxColumnsPerTable - SourceKeyColumns;

        /// <summary>Bytes per row.</summary>
        public const int MaxBytesPerRow = 8060;

        /// <summary>What a variable-length column pushed off-row keeps in the row.</summary>
        public const int OffRowPointerBytes = 24;

        /// <summary>The default network packet size, in bytes.</summary>
        public const int DefaultPacketSize = 4096;

        /// <summary>Batch size at the default packet size, in bytes: 65,536 * 4,096.</summary>
        public const long MaxBatchBytes = 65536L * DefaultPacketSize;

        /// <summary>The same in UTF-16 characters, the longest statement text kept.</summary>
        public const int MaxStatementCharacters = (int)(MaxBatchBytes / 2);

        /// <summary>
        /// For each field, in order, null when it can be replicated with the fields before it that
        /// were accepted, or the limit it would pass. Fields are taken in order; one that would pass
        /// a limit is refused and the next ones are tried without it.
        /// </summary>
        public static IList<ReplicationLimitProblem?> Check(GesComLocation location, IList<ReplicationField> fields) =>
            Check(location, fields, MaxStatementCharacters);

        /// <summary><see cref="Check(GesComLocation, IList{ReplicationField})"/> with another statement limit (tests).</summary>
        public static IList<ReplicationLimitProblem?> Check(GesComLocation location, IList<ReplicationField> fields, int maxStatementCharacters)
        {
            if (location == null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            if (fields == null)
            {
                throw new ArgumentNullException(nameof(fields));
            }

            var problems = new ReplicationLimitProblem?[fields.Count];
            var accepted = new List<int>(fields.Count);
            var row = new RowSize();
            row.Add(ReplicationColumnType.Parse("nvarchar(100)")!); // CT_Num
            row.Add(ReplicationColumnType.Parse("int")!);           // cbReplication
            for (int i = 0; i < fields.Count; i++)
            {
                ReplicationColumnType type = ReplicationColumnType.Parse(fields[i].ColumnType)
                    ?? throw new ArgumentException("Field " + fields[i].ParameterName + ": the type '" + fields[i].ColumnType + "' cannot be replicated.", nameof(fields));
                if (accepted.Count + 1 > MaxFields)
                {
                    problems[i] = new ReplicationLimitProblem("columns", Number(accepted.Count + 1 + SourceKeyColumns), string.Concat(
                        "la table de lecture #MC_replicate_source aurait ", Number(accepted.Count + 1 + SourceKeyColumns),
                        " colonnes, plus que les ", Number(MaxColumnsPerTable), " colonnes par table de SQL Server (« Maximum capacity specifications for SQL Server ») : ",
                        Number(MaxFields), " champs au plus par intégration ; supprimez des paramètres REPLI_acc_*_repli."));
                    continue;
                }

                int bytes = row.BytesWith(type);
                if (bytes > MaxBytesPerRow)
                {
                    problems[i] = new ReplicationLimitProblem("row", Number(bytes), string.Concat(
                        "une ligne de la table de lecture #MC_replicate_source atteindrait ", Number(bytes), " octets avec la colonne ", fields[i].Column,
                        " (", type.Text, ") : plus que les ", Number(MaxBytesPerRow), " octets par ligne de SQL Server (les colonnes de taille fixe restent dans la ligne, une colonne de taille variable y garde au moins ",
                        Number(OffRowPointerBytes), " octets ; « Maximum capacity specifications for SQL Server ») : donnez à la colonne un type plus court, ou répliquez moins de champs."));
                    continue;
                }

                row.Add(type);
                accepted.Add(i);
            }

            // The statements' text: exact lengths of what the builder writes for the accepted fields;
            // when too long, the longest prefix that fits (the texts grow with every field).
            int fitting = accepted.Count;
            if (LongestText(location, fields, accepted, accepted.Count) > maxStatementCharacters)
            {
                int low = 0, high = accepted.Count - 1;
                while (low < high)
                {
                    int middle = (low + high + 1) / 2;
                    if (LongestText(location, fields, accepted, middle) <= maxStatementCharacters)
                    {
                        low = middle;
                    }
                    else
                    {
                        high = middle - 1;
                    }
                }

                fitting = low;
                for (int k = fitting; k < accepted.Count; k++)
                {
                    int length = LongestText(location, fields, accepted, k + 1);
                    problems[accepted[k]] = new ReplicationLimitProblem("statement", Number(length), string.Concat(
                        "avec ce champ, une requête de la réplication atteindrait ", Number(length), " caractères, plus que les ",
                        Number(maxStatementCharacters), " caractères d'un lot SQL Server (65 536 fois la taille de paquet réseau par défaut de 4 096 octets, en UTF-16 ; « Maximum capacity specifications for SQL Server ») : raccourcissez la valeur, ou répliquez moins de champs."));
                }
            }

            return problems;
        }

        /// <summary>
        /// The worst-case in-row size, in bytes, of a #MC_replicate_source row holding the columns
        /// of these types besides CT_Num and cbReplication.
        /// </summary>
        public static int SourceRowBytes(IEnumerable<ReplicationColumnType> fieldTypes)
        {
            if (fieldTypes == null)
            {
                throw new ArgumentNullException(nameof(fieldTypes));
            }

            var row = new RowSize();
            row.Add(ReplicationColumnType.Parse("nvarchar(100)")!);
            row.Add(ReplicationColumnType.Parse("int")!);
            foreach (ReplicationColumnType type in fieldTypes)
            {
                row.Add(type);
            }

            return row.Bytes;
        }

        /// <summary>
        /// The bytes a column of this type takes in the row at most: its size for a fixed-length type
        /// ("Data types", storage sizes), at most the 24-byte off-row pointer for a variable-length one;
        /// <paramref name="variable"/> tells which. bit columns are counted one byte each (the engine
        /// packs eight in a byte: an upper bound).
        /// </summary>
        public static int InRowBytes(ReplicationColumnType type, out bool variable)
        {
            if (type == null)
            {
                throw new ArgumentNullException(nameof(type));
            }

            variable = false;
            int size = Argument(type.Text, 0);
            switch (type.Name)
            {
                case "varchar":
                case "varbinary":
                    variable = true;
                    return size < 0 ? OffRowPointerBytes : Math.Min(size, OffRowPointerBytes);
                case "nvarchar":
                    variable = true;
                    return size < 0 ? OffRowPointerBytes : Math.Min(size * 2, OffRowPointerBytes);
                case "char":
                case "binary":
                    return size;
                case "nchar":
                    return size * 2;
                case "decimal":
                case "numeric":
                    return size <= 9 ? 5 : size <= 19 ? 9 : size <= 28 ? 13 : 17;
                case "time":
                    return size <= 2 ? 3 : size <= 4 ? 4 : 5;
                case "datetime2":
                    return size <= 2 ? 6 : size <= 4 ? 7 : 8;
                case "datetimeoffset":
                    return size <= 2 ? 8 : size <= 4 ? 9 : 10;
                case "bit":
                case "tinyint":
                    return 1;
                case "smallint":
                    return 2;
                case "date":
                    return 3;
                case "int":
                case "smallmoney":
                case "real":
                case "smalldatetime":
                    return 4;
                case "bigint":
                case "money":
                case "float":
                case "datetime":
                    return 8;
                case "uniqueidentifier":
                    return 16;
                default:
                    throw new ArgumentException("Not a replicable column type: " + type.Text, nameof(type));
            }
        }

        private static int LongestText(GesComLocation location, IList<ReplicationField> fields, List<int> accepted, int count)
        {
            var list = new List<ReplicationField>(count);
            for (int k = 0; k < count; k++)
            {
                list.Add(fields[accepted[k]]);
            }

            int longest = ReplicationStatementBuilder.BuildColumns(list).Length;
            longest = Math.Max(longest, ReplicationStatementBuilder.BuildRead(location, list).Length);
            return Math.Max(longest, ReplicationStatementBuilder.BuildWrite(list).Length);
        }

        /// <summary>The first number between the type's parentheses (length, precision or scale); -1 for max; 0 without.</summary>
        private static int Argument(string text, int fallback)
        {
            int open = text.IndexOf('(');
            if (open < 0)
            {
                return fallback;
            }

            int end = text.IndexOfAny(new[] { ',', ')' }, open);
            string argument = text.Substring(open + 1, end - open - 1);
            return argument == "max" ? -1 : int.Parse(argument, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        /// <summary>A count as the French messages write it: groups of three digits separated by a space (8 060).</summary>
        private static string Number(int value)
        {
            string digits = value.ToString(CultureInfo.InvariantCulture);
            var text = new System.Text.StringBuilder(digits.Length + 4);
            for (int i = 0; i < digits.Length; i++)
            {
                if (i > 0 && (digits.Length - i) % 3 == 0)
                {
                    text.Append(' ');
                }

                text.Append(digits[i]);
            }

            return text.ToString();
        }

        /// <summary>"Estimate the size of a heap": Row_Size = Fixed_Data_Size + Variable_Data_Size + Null_Bitmap + 4.</summary>
        private sealed class RowSize
        {
            private int columns;
            private int fixedBytes;
            private int variableColumns;
            private int variableBytes;

            public int Bytes => Size(columns, fixedBytes, variableColumns, variableBytes);

            public void Add(ReplicationColumnType type)
            {
                int bytes = InRowBytes(type, out bool variable);
                columns++;
                if (variable)
                {
                    variableColumns++;
                    variableBytes += bytes;
                }
                else
                {
                    fixedBytes += bytes;
                }
            }

            public int BytesWith(ReplicationColumnType type)
            {
                int bytes = InRowBytes(type, out bool variable);
                return variable
                    ? Size(columns + 1, fixedBytes, variableColumns + 1, variableBytes + bytes)
                    : Size(columns + 1, fixedBytes + bytes, variableColumns, variableBytes);
            }

            private static int Size(int columns, int fixedBytes, int variableColumns, int variableBytes)
            {
                int nullBitmap = 2 + ((columns + 7) / 8);
                int variableData = variableColumns == 0 ? 0 : 2 + (variableColumns * 2) + variableBytes;
                return fixedBytes + variableData + nullBitmap + 4;
            }
        }
    }
}
