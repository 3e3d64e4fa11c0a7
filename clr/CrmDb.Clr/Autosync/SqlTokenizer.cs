using System.Collections.Generic;

namespace CrmDb.Clr.Autosync
{
    /// <summary>The kinds of token <see cref="SqlTokenizer"/> tells apart.</summary>
    public enum SqlTokenKind
    {
        /// <summary>A regular identifier or keyword.</summary>
        Word,

        /// <summary>A variable or parameter name (@x); @@x too.</summary>
        Variable,

        /// <summary>A [bracketed] or "quoted" identifier.</summary>
        QuotedIdentifier,

        /// <summary>A 'string' or N'string' literal.</summary>
        String,

        /// <summary>A number.</summary>
        Number,

        /// <summary>Any other single character: ( ) , = ; . and the like.</summary>
        Symbol,
    }

    /// <summary>One token: its kind and where it lies in the text.</summary>
    public struct SqlToken
    {
        /// <summary>Creates a token.</summary>
        public SqlToken(SqlTokenKind kind, int start, int length, string text)
        {
            Kind = kind;
            Start = start;
            Length = length;
            Text = text;
        }

        /// <summary>The kind.</summary>
        public SqlTokenKind Kind { get; }

        /// <summary>Offset of the first character.</summary>
        public int Start { get; }

        /// <summary>Number of characters.</summary>
        public int Length { get; }

        /// <summary>The characters.</summary>
        public string Text { get; }

        /// <summary>True for the symbol <paramref name="c"/>.</summary>
        public bool IsSymbol(char c) => Kind == SqlTokenKind.Symbol && Text.Length == 1 && Text[0] == c;

        /// <summary>True for the word <paramref name="word"/>, case-insensitively.</summary>
        public bool IsWord(string word) =>
            Kind == SqlTokenKind.Word && string.Equals(Text, word, System.StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Just enough of a T-SQL lexer to read declarations: skips white space and comments (-- and
    /// nested /* */), keeps strings, quoted identifiers and variables whole. It never fails: an
    /// unterminated string, identifier or comment runs to the end of the text.
    /// </summary>
    public static class SqlTokenizer
    {
        /// <summary>The tokens of <paramref name="sql"/>, in order.</summary>
        public static List<SqlToken> Tokenize(string sql)
        {
            var tokens = new List<SqlToken>();
            int i = 0;
            while (i < sql.Length)
            {
                char c = sql[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '-' && Next(sql, i) == '-')
                {
                    while (i < sql.Length && sql[i] != '\n')
                    {
                        i++;
                    }
                }
                else if (c == '/' && Next(sql, i) == '*')
                {
                    i = SkipBlockComment(sql, i);
                }
                else if (c == '\'' || ((c == 'N' || c == 'n') && Next(sql, i) == '\''))
                {
                    int start = i;
                    i = SkipQuoted(sql, c == '\'' ? i : i + 1, '\'');
                    tokens.Add(Make(sql, SqlTokenKind.String, start, i));
                }
                else if (c == '[')
                {
                    int start = i;
                    i = SkipQuoted(sql, i, ']');
                    tokens.Add(Make(sql, SqlTokenKind.QuotedIdentifier, start, i));
                }
                else if (c == '"')
                {
                    int start = i;
                    i = SkipQuoted(sql, i, '"');
                    tokens.Add(Make(sql, SqlTokenKind.QuotedIdentifier, start, i));
                }
                else if (c == '@')
                {
                    int start = i;
                    i++;
                    while (i < sql.Length && (IsWordChar(sql[i]) || sql[i] == '@'))
                    {
                        i++;
                    }

                    tokens.Add(Make(sql, SqlTokenKind.Variable, start, i));
                }
                else if (c >= '0' && c <= '9')
                {
                    int start = i;
                    while (i < sql.Length && ((sql[i] >= '0' && sql[i] <= '9') || sql[i] == '.'))
                    {
                        i++;
                    }

                    tokens.Add(Make(sql, SqlTokenKind.Number, start, i));
                }
                else if (IsWordChar(c))
                {
                    int start = i;
                    while (i < sql.Length && IsWordChar(sql[i]))
                    {
                        i++;
                    }

                    tokens.Add(Make(sql, SqlTokenKind.Word, start, i));
                }
                else
                {
                    tokens.Add(Make(sql, SqlTokenKind.Symbol, i, i + 1));
                    i++;
                }
            }

            return tokens;
        }

        /// <summary>Letters, digits, '_', '#' and '$': what a regular identifier is made of after its first character.</summary>
        public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '#' || c == '$';

        private static char Next(string sql, int i) => i + 1 < sql.Length ? sql[i + 1] : '\0';

        private static SqlToken Make(string sql, SqlTokenKind kind, int start, int end) =>
            new SqlToken(kind, start, end - start, sql.Substring(start, end - start));

        /// <summary>From an opening quote at <paramref name="i"/>, the index after the closing one (a doubled closer is an escape).</summary>
        private static int SkipQuoted(string sql, int i, char closer)
        {
            i++;
            while (i < sql.Length)
            {
                if (sql[i] == closer)
                {
                    if (i + 1 < sql.Length && sql[i + 1] == closer)
                    {
                        i += 2;
                        continue;
                    }

                    return i + 1;
                }

                i++;
            }

            return i;
        }

        private static int SkipBlockComment(string sql, int i)
        {
            int depth = 0;
            while (i < sql.Length)
            {
                if (sql[i] == '/' && Next(sql, i) == '*')
                {
                    depth++;
                    i += 2;
                }
                else if (sql[i] == '*' && Next(sql, i) == '/')
                {
                    depth--;
                    i += 2;
                    if (depth == 0)
                    {
                        return i;
                    }
                }
                else
                {
                    i++;
                }
            }

            return i;
        }
    }
}
