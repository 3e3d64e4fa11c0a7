using System;
using System.Text;

namespace CrmDb.Clr
{
    /// <summary>Identifier quoting exactly as T-SQL's QUOTENAME does with brackets.</summary>
    public static class SqlName
    {
        /// <summary>The longest name QUOTENAME accepts (it returns NULL above).</summary>
        public const int MaxLength = 128;

        /// <summary>
        /// Quotes <paramref name="name"/> in brackets, doubling each closing bracket.
        /// Throws where QUOTENAME would return NULL, so that no caller builds SQL around a NULL.
        /// </summary>
        public static string Quote(string name)
        {
            if (name == null)
            {
                throw new ArgumentNullException(nameof(name));
            }

            if (name.Length > MaxLength)
            {
                throw new ArgumentException(
                    "Name longer than " + MaxLength + " characters cannot be quoted: " + name.Substring(0, 40) + "...",
                    nameof(name));
            }

            var quoted = new StringBuilder(name.Length + 2);
            quoted.Append('[');
            foreach (char c in name)
            {
                quoted.Append(c);
                if (c == ']')
                {
                    quoted.Append(']');
                }
            }

            quoted.Append(']');
            return quoted.ToString();
        }

        /// <summary>Quotes a text as an N'' literal, doubling single quotes.</summary>
        public static string Literal(string value)
        {
            if (value == null)
            {
                return "NULL";
            }

            return "N'" + value.Replace("'", "''") + "'";
        }
    }
}
