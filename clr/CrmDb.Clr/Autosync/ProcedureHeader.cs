using System;
using System.Collections.Generic;

namespace CrmDb.Clr.Autosync
{
    /// <summary>
    /// Reads which parameters of a T-SQL procedure have a default value, from its definition.
    /// SQL Server keeps defaults only for CLR procedures (sys.parameters.has_default_value is 0
    /// for T-SQL ones), so the text is the only source.
    /// </summary>
    public static class ProcedureHeader
    {
        /// <summary>
        /// For each parameter of the CREATE/ALTER PROCEDURE in <paramref name="definition"/>, whether
        /// it has a default (names with their '@', case-insensitive keys). Null when the text is
        /// not a procedure definition (or is NULL: encrypted, or not visible to the caller).
        /// </summary>
        public static Dictionary<string, bool>? ParameterDefaults(string? definition)
        {
            if (definition == null)
            {
                return null;
            }

            List<SqlToken> tokens = SqlTokenizer.Tokenize(definition);
            int i = FindParameterList(tokens);
            if (i < 0)
            {
                return null;
            }

            var defaults = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            bool parenthesized = i < tokens.Count && tokens[i].IsSymbol('(');
            if (parenthesized)
            {
                i++;
            }

            int depth = 0;
            string? current = null;
            bool justAfterName = false;
            for (; i < tokens.Count; i++)
            {
                SqlToken token = tokens[i];
                if (depth == 0)
                {
                    if (parenthesized && token.IsSymbol(')'))
                    {
                        break;
                    }

                    // "@p AS int": AS right after a parameter's name belongs to its declaration;
                    // any other AS, WITH or FOR at this level ends the list.
                    if (!parenthesized && (token.IsWord("WITH") || token.IsWord("FOR") || (token.IsWord("AS") && !justAfterName)))
                    {
                        break;
                    }

                    if (token.IsSymbol(','))
                    {
                        current = null;
                        justAfterName = false;
                        continue;
                    }

                    if (token.Kind == SqlTokenKind.Variable && current == null)
                    {
                        current = token.Text;
                        defaults[current] = false;
                        justAfterName = true;
                        continue;
                    }

                    if (token.IsSymbol('=') && current != null)
                    {
                        defaults[current] = true;
                    }
                }

                if (token.IsSymbol('('))
                {
                    depth++;
                }
                else if (token.IsSymbol(')'))
                {
                    depth--;
                }

                justAfterName = false;
            }

            return defaults;
        }

        /// <summary>Index of the token after the procedure's name (and ;number), or -1.</summary>
        private static int FindParameterList(List<SqlToken> tokens)
        {
            for (int i = 0; i < tokens.Count; i++)
            {
                if (!tokens[i].IsWord("CREATE") && !tokens[i].IsWord("ALTER"))
                {
                    continue;
                }

                int j = i + 1;
                if (tokens[i].IsWord("CREATE") && j + 1 < tokens.Count && tokens[j].IsWord("OR") && tokens[j + 1].IsWord("ALTER"))
                {
                    j += 2;
                }

                if (j >= tokens.Count || !(tokens[j].IsWord("PROC") || tokens[j].IsWord("PROCEDURE")))
                {
                    return -1;
                }

                j++;
                if (j >= tokens.Count || !IsNamePart(tokens[j]))
                {
                    return -1;
                }

                j++;
                while (j + 1 < tokens.Count && tokens[j].IsSymbol('.'))
                {
                    j++;
                    if (tokens[j].IsSymbol('.'))
                    {
                        continue;
                    }

                    if (!IsNamePart(tokens[j]))
                    {
                        return -1;
                    }

                    j++;
                }

                if (j + 1 < tokens.Count && tokens[j].IsSymbol(';') && tokens[j + 1].Kind == SqlTokenKind.Number)
                {
                    j += 2;
                }

                return j;
            }

            return -1;
        }

        private static bool IsNamePart(SqlToken token) =>
            token.Kind == SqlTokenKind.Word || token.Kind == SqlTokenKind.QuotedIdentifier;
    }
}
