using System;
using System.Text;

namespace CrmDb.Clr
{
    /// <summary>
    /// Expands the guide's <c>#F_&lt;TABLE&gt;#</c> and <c>#P_&lt;TABLE&gt;#</c> tokens into names
    /// of the integration's GesCom tables (docs/design.md decision 3). Anything else between two
    /// <c>#</c> (temporary tables such as <c>#work</c>) is left as it is.
    /// </summary>
    public static class TokenExpander
    {
        /// <summary>Expands every token of <paramref name="sql"/> for <paramref name="location"/>.</summary>
        public static string Expand(string sql, GesComLocation location)
        {
            if (sql == null)
            {
                throw new ArgumentNullException(nameof(sql));
            }

            if (location == null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            int hash = sql.IndexOf('#');
            if (hash < 0)
            {
                return sql;
            }

            string prefix = location.Qualifier + ".dbo.";
            var result = new StringBuilder(sql.Length + 64);
            int copied = 0;
            while (hash >= 0)
            {
                int end = TokenEnd(sql, hash);
                if (end < 0)
                {
                    hash = sql.IndexOf('#', hash + 1);
                    continue;
                }

                result.Append(sql, copied, hash - copied);
                result.Append(prefix);
                result.Append(sql, hash + 1, end - hash - 1);
                copied = end + 1;
                hash = copied < sql.Length ? sql.IndexOf('#', copied) : -1;
            }

            result.Append(sql, copied, sql.Length - copied);
            return result.ToString();
        }

        /// <summary>Counts the tokens that <see cref="Expand"/> would replace.</summary>
        public static int CountTokens(string sql)
        {
            if (sql == null)
            {
                throw new ArgumentNullException(nameof(sql));
            }

            int count = 0;
            int hash = sql.IndexOf('#');
            while (hash >= 0)
            {
                int end = TokenEnd(sql, hash);
                if (end >= 0)
                {
                    count++;
                    hash = end + 1 < sql.Length ? sql.IndexOf('#', end + 1) : -1;
                }
                else
                {
                    hash = sql.IndexOf('#', hash + 1);
                }
            }

            return count;
        }

        /// <summary>
        /// When a token starts at <paramref name="start"/> (<c>#F_x#</c> or <c>#P_x#</c>, x made of
        /// letters, digits and '_'), the index of its closing '#'; otherwise -1.
        /// </summary>
        private static int TokenEnd(string sql, int start)
        {
            int i = start + 1;
            if (i + 2 >= sql.Length || (sql[i] != 'F' && sql[i] != 'P') || sql[i + 1] != '_')
            {
                return -1;
            }

            i += 2;
            int nameStart = i;
            while (i < sql.Length && IsNameChar(sql[i]))
            {
                i++;
            }

            return i > nameStart && i < sql.Length && sql[i] == '#' ? i : -1;
        }

        private static bool IsNameChar(char c) =>
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
}
