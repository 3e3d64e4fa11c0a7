using System.Collections.Generic;

namespace CrmDb.Clr
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

        /// <summary>A -- or /* */ comment (only when asked for).</summary>
        Comment,
    }

    /// <summary>One token: its kind and where it lies in the text.</summary>
    public struct SqlToken
    {
        /// <summary>Creates a token.</summary>
        public SqlToken(SqlTokenKind kind, int start, int length, string text, bool isClosed = true)
        {
            Kind = kind;
            Start = start;
            Length = length;
            Text = text;
            IsClosed = isClosed;
        }

        /// <summary>The kind.</summary>
        public SqlTokenKind Kind { get; }

        /// <summary>Offset of the first character.</summary>
        public int Start { get; }

        /// <summary>Number of characters.</summary>
        public int Length { get; }

        /// <summary>The characters.</summary>
        public string Text { get; }

        /// <summary>False for a string, quoted identifier or /* comment that the text ends inside.</summary>
        public bool IsClosed { get; }

        /// <summary>True for the symbol <paramref name="c"/>.</summary>
        public bool IsSymbol(char c) => Kind == SqlTokenKind.Symbol && Text.Length == 1 && Text[0] == c;

        /// <summary>True for the word <paramref name="word"/>, case-insensitively.</summary>
        public bool IsWord(string word) =>
            Kind == SqlTokenKind.Word && string.Equals(Text, word, System.StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The one T-SQL lexer of the assembly, just enough to read declarations and to check that a
    /// piece of integrator SQL stays one expression: white space skipped; -- comments (to the line
    /// end, CR or LF) and nested /* */ comments skipped unless asked for; strings, quoted
    /// identifiers and variables kept whole. It never fails: an unterminated string, identifier
    /// or comment runs to the end of the text and is marked not closed.
    /// </summary>
    public static class SqlTokenizer
    {
        /// <summary>The tokens of <paramref name="sql"/>, in order, comments left out.</summary>
        public static List<SqlToken> Tokenize(string sql) => Tokenize(sql, includeComments: false);

        /// <summary>The tokens of <paramref name="sql"/>, in order; comments too when <paramref name="includeComments"/>.</summary>
        public static List<SqlToken> Tokenize(string sql, bool includeComments)
        {
            var tokens = new List<SqlToken>();
            int i = 0;
            while (i < sql.Length)
            {
                char c = sql[i];
                int start = i;
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '-' && Next(sql, i) == '-')
                {
                    while (i < sql.Length && sql[i] != '\n' && sql[i] != '\r')
                    {
                        i++;
                    }

                    if (includeComments)
                    {
                        tokens.Add(Make(sql, SqlTokenKind.Comment, start, i, closed: true));
                    }
                }
                else if (c == '/' && Next(sql, i) == '*')
                {
                    bool closed = SkipBlockComment(sql, ref i);
                    if (includeComments)
                    {
                        tokens.Add(Make(sql, SqlTokenKind.Comment, start, i, closed));
                    }
                }
                else if (c == '\'' || ((c == 'N' || c == 'n') && Next(sql, i) == '\''))
                {
                    if (c != '\'')
                    {
                        i++;
                    }

                    bool closed = SkipQuoted(sql, ref i, '\'');
                    tokens.Add(Make(sql, SqlTokenKind.String, start, i, closed));
                }
                else if (c == '[' || c == '"')
                {
                    bool closed = SkipQuoted(sql, ref i, c == '[' ? ']' : '"');
                    tokens.Add(Make(sql, SqlTokenKind.QuotedIdentifier, start, i, closed));
                }
                else if (c == '@')
                {
                    i++;
                    while (i < sql.Length && (IsWordChar(sql[i]) || sql[i] == '@'))
                    {
                        i++;
                    }

                    tokens.Add(Make(sql, SqlTokenKind.Variable, start, i, closed: true));
                }
                else if (c >= '0' && c <= '9')
                {
                    while (i < sql.Length && ((sql[i] >= '0' && sql[i] <= '9') || sql[i] == '.'))
                    {
                        i++;
                    }

                    tokens.Add(Make(sql, SqlTokenKind.Number, start, i, closed: true));
                }
                else if (IsWordChar(c))
                {
                    while (i < sql.Length && IsWordChar(sql[i]))
                    {
                        i++;
                    }

                    tokens.Add(Make(sql, SqlTokenKind.Word, start, i, closed: true));
                }
                else
                {
                    i++;
                    tokens.Add(Make(sql, SqlTokenKind.Symbol, start, i, closed: true));
                }
            }

            return tokens;
        }

        /// <summary>Letters, digits, '_', '#' and '$': what a regular identifier is made of after its first character.</summary>
        public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '#' || c == '$';

        private static char Next(string sql, int i) => i + 1 < sql.Length ? sql[i + 1] : '\0';

        private static SqlToken Make(string sql, SqlTokenKind kind, int start, int end, bool closed) =>
            new SqlToken(kind, start, end - start, sql.Substring(start, end - start), closed);

        /// <summary>
        /// From an opening quote at <paramref name="i"/>, moves past the closing one (a doubled
        /// closer stands for itself); false when the text ends first.
        /// </summary>
        private static bool SkipQuoted(string sql, ref int i, char closer)
        {
            i++;
            while (i < sql.Length)
            {
                if (sql[i] == closer)
                {
                    if (Next(sql, i) == closer)
                    {
                        i += 2;
                        continue;
                    }

                    i++;
                    return true;
                }

                i++;
            }

            return false;
        }

        /// <summary>T-SQL block comments nest: moves past the outer one's end; false when the text ends first.</summary>
        private static bool SkipBlockComment(string sql, ref int i)
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
                        return true;
                    }
                }
                else
                {
                    i++;
                }
            }

            return false;
        }
    }
}
