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
        /// <summary>
        /// Expands every token of <paramref name="sql"/> for <paramref name="location"/>. Outside
        /// string literals the name is inserted as QUOTENAME writes it. Inside a literal (the text
        /// of an EXEC(N'...') or of an sp_executesql statement) it is inserted with its quotes
        /// doubled, so that a name holding ' does not end the literal; a token inside a literal
        /// nested in another one is refused (<see cref="TokenExpansionException"/>, naming the
        /// line): how many times its quotes must be doubled cannot be read safely.
        /// </summary>
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

            if (sql.IndexOf('#') < 0)
            {
                return sql;
            }

            string name = location.Qualifier + ".dbo.";
            var result = new StringBuilder(sql.Length + 64);
            int copied = 0;
            foreach (SqlToken token in SqlTokenizer.Tokenize(sql, includeComments: true))
            {
                if (token.Kind != SqlTokenKind.String || token.Text.IndexOf('#') < 0)
                {
                    continue;
                }

                result.Append(ExpandPlain(sql.Substring(copied, token.Start - copied), name));
                result.Append(ExpandInLiteral(sql, token, name));
                copied = token.Start + token.Length;
            }

            result.Append(ExpandPlain(sql.Substring(copied), name));
            return result.ToString();
        }

        /// <summary>Text outside any literal: each token becomes the quoted name.</summary>
        private static string ExpandPlain(string sql, string prefix)
        {
            int hash = sql.IndexOf('#');
            if (hash < 0)
            {
                return sql;
            }

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

        /// <summary>
        /// One string literal: its content read as the SQL it holds (each '' standing for '); a
        /// token in that SQL is expanded there, then the whole content is written back with its
        /// quotes doubled; a token inside a literal of that SQL (nested two deep) is refused.
        /// </summary>
        private static string ExpandInLiteral(string sql, SqlToken literal, string prefix)
        {
            string text = literal.Text;
            int open = text.IndexOf('\'');
            int contentLength = text.Length - open - 1 - (literal.IsClosed ? 1 : 0);
            string content = text.Substring(open + 1, contentLength).Replace("''", "'");
            foreach (SqlToken inner in SqlTokenizer.Tokenize(content, includeComments: true))
            {
                if (inner.Kind == SqlTokenKind.String && CountTokens(inner.Text) > 0)
                {
                    int line = 1;
                    for (int i = 0; i < literal.Start; i++)
                    {
                        if (sql[i] == '\n')
                        {
                            line++;
                        }
                    }

                    for (int i = 0; i < inner.Start; i++)
                    {
                        if (content[i] == '\n')
                        {
                            line++;
                        }
                    }

                    throw new TokenExpansionException(line);
                }
            }

            return text.Substring(0, open + 1)
                + ExpandPlain(content, prefix).Replace("'", "''")
                + (literal.IsClosed ? "'" : string.Empty);
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
