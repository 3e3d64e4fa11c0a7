using System;
using System.Globalization;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// The T-SQL type of a replicated CRM column. Every value read from GesCom is converted to
    /// it before being compared and written, so that the comparison is the column's own; only
    /// types that EXCEPT can compare are accepted (not text, ntext, image, xml, sql_variant,
    /// rowversion, or CLR types).
    /// </summary>
    public sealed class ReplicationColumnType
    {
        private static readonly string[] Sized = { "char", "varchar", "binary", "varbinary" };
        private static readonly string[] UnicodeSized = { "nchar", "nvarchar" };
        private static readonly string[] Exact = { "decimal", "numeric" };
        private static readonly string[] Scaled = { "datetime2", "datetimeoffset", "time" };
        private static readonly string[] Plain =
        {
            "bit", "tinyint", "smallint", "int", "bigint", "money", "smallmoney", "float", "real",
            "date", "datetime", "smalldatetime", "uniqueidentifier",
        };

        private ReplicationColumnType(string name, string text)
        {
            Name = name;
            Text = text;
        }

        /// <summary>The type name, lowercase (nvarchar).</summary>
        public string Name { get; }

        /// <summary>The type as T-SQL writes it (nvarchar(17), numeric(24,6), nvarchar(max)).</summary>
        public string Text { get; }

        /// <summary>
        /// True for character types, which are compared under a binary collation: the CRM's
        /// French_CI_AS would take a change of case or accent in GesCom for no change.
        /// </summary>
        public bool IsCharacter => Name.EndsWith("char", StringComparison.Ordinal);

        /// <inheritdoc />
        public override string ToString() => Text;

        /// <summary>
        /// The type of a column as sys.columns describes it (TYPE_NAME(system_type_id),
        /// max_length in bytes, precision, scale), or null when replication cannot write it.
        /// </summary>
        public static ReplicationColumnType? FromCatalog(string? typeName, int maxLength, int precision, int scale)
        {
            if (typeName == null)
            {
                return null;
            }

            string name = typeName.Trim().ToLowerInvariant();
            if (Contains(Sized, name))
            {
                return new ReplicationColumnType(name, name + "(" + Length(maxLength) + ")");
            }

            if (Contains(UnicodeSized, name))
            {
                return new ReplicationColumnType(name, name + "(" + Length(maxLength < 0 ? maxLength : maxLength / 2) + ")");
            }

            if (Contains(Exact, name))
            {
                return new ReplicationColumnType(name, name + "(" + Number(precision) + "," + Number(scale) + ")");
            }

            if (Contains(Scaled, name))
            {
                return new ReplicationColumnType(name, name + "(" + Number(scale) + ")");
            }

            return Contains(Plain, name) ? new ReplicationColumnType(name, name) : null;
        }

        /// <summary>
        /// Reads a type text such as FromCatalog writes (name, name(n), name(max), name(p,s)),
        /// or returns null when it is not one: the text is placed in SQL, so nothing else passes.
        /// </summary>
        public static ReplicationColumnType? Parse(string? text)
        {
            if (text == null)
            {
                return null;
            }

            string trimmed = text.Trim().ToLowerInvariant();
            int open = trimmed.IndexOf('(');
            if (open < 0)
            {
                return Contains(Plain, trimmed) ? new ReplicationColumnType(trimmed, trimmed) : null;
            }

            if (!trimmed.EndsWith(")", StringComparison.Ordinal))
            {
                return null;
            }

            string name = trimmed.Substring(0, open).TrimEnd();
            string[] arguments = trimmed.Substring(open + 1, trimmed.Length - open - 2).Split(',');
            if (Contains(Sized, name) || Contains(UnicodeSized, name))
            {
                int limit = Contains(Sized, name) ? 8000 : 4000;
                if (arguments.Length != 1)
                {
                    return null;
                }

                string length = arguments[0].Trim();
                if (length == "max")
                {
                    return new ReplicationColumnType(name, name + "(max)");
                }

                return TryNumber(length, 1, limit, out int size)
                    ? new ReplicationColumnType(name, name + "(" + Number(size) + ")")
                    : null;
            }

            if (Contains(Exact, name))
            {
                return arguments.Length == 2
                    && TryNumber(arguments[0].Trim(), 1, 38, out int precision)
                    && TryNumber(arguments[1].Trim(), 0, precision, out int scale)
                    ? new ReplicationColumnType(name, name + "(" + Number(precision) + "," + Number(scale) + ")")
                    : null;
            }

            if (Contains(Scaled, name))
            {
                return arguments.Length == 1 && TryNumber(arguments[0].Trim(), 0, 7, out int fraction)
                    ? new ReplicationColumnType(name, name + "(" + Number(fraction) + ")")
                    : null;
            }

            return null;
        }

        private static string Length(int length) => length < 0 ? "max" : Number(length);

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static bool TryNumber(string text, int min, int max, out int value)
        {
            value = 0;
            if (text.Length == 0 || text.Length > 4)
            {
                return false;
            }

            foreach (char c in text)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            return value >= min && value <= max;
        }

        private static bool Contains(string[] names, string name) => Array.IndexOf(names, name) >= 0;
    }
}
