namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// Checks that a field's value (a column, a scalar subquery, a function call: integrator
    /// SQL) can be placed inside the generated statement as ONE scalar expression. The
    /// statement writes it between parentheses; when its own parentheses balance outside
    /// strings, quoted names and comments, and it holds no ';', it cannot close those
    /// parentheses and so cannot end the statement or add another one. Whether it compiles
    /// against F_COMPTET is the engine's check (sys.dm_exec_describe_first_result_set on
    /// <see cref="ReplicationStatementBuilder.BuildCheck"/>).
    /// </summary>
    public static class ReplicationExpression
    {
        /// <summary>
        /// Null when the expression can be placed in the statement; otherwise the reason, in
        /// French (it is shown to the integrator as is).
        /// </summary>
        public static string? Problem(string? expression)
        {
            if (expression == null || expression.Trim().Length == 0)
            {
                return "la valeur est vide : donnez une colonne de F_COMPTET (par exemple [CT_NumPayeur]), une sous-requête ou un appel de fonction.";
            }

            int depth = 0;
            int i = 0;
            while (i < expression.Length)
            {
                char c = expression[i];
                char next = i + 1 < expression.Length ? expression[i + 1] : '\0';
                switch (c)
                {
                    case '\'':
                        i = SkipQuoted(expression, i, '\'');
                        if (i < 0)
                        {
                            return "une chaîne entre apostrophes n'est pas fermée.";
                        }

                        break;
                    case '[':
                        i = SkipQuoted(expression, i, ']');
                        if (i < 0)
                        {
                            return "un nom entre crochets n'est pas fermé.";
                        }

                        break;
                    case '"':
                        i = SkipQuoted(expression, i, '"');
                        if (i < 0)
                        {
                            return "un nom entre guillemets n'est pas fermé.";
                        }

                        break;
                    case '-' when next == '-':
                        // A line comment ends at the line end; the statement puts one after the value.
                        while (i < expression.Length && expression[i] != '\n' && expression[i] != '\r')
                        {
                            i++;
                        }

                        break;
                    case '/' when next == '*':
                        i = SkipBlockComment(expression, i);
                        if (i < 0)
                        {
                            return "un commentaire /* n'est pas fermé.";
                        }

                        break;
                    case '(':
                        depth++;
                        i++;
                        break;
                    case ')':
                        depth--;
                        if (depth < 0)
                        {
                            return "une parenthèse fermante n'a pas de parenthèse ouvrante : la valeur doit rester une seule expression.";
                        }

                        i++;
                        break;
                    case ';':
                        return "le point-virgule est interdit : la valeur doit être une seule expression, pas une suite d'instructions.";
                    default:
                        i++;
                        break;
                }
            }

            return depth == 0 ? null : "une parenthèse ouvrante n'est pas fermée.";
        }

        /// <summary>
        /// From an opening quote at <paramref name="start"/>, the index after the closing one
        /// (a doubled closing character stands for itself); -1 when the text ends first.
        /// </summary>
        private static int SkipQuoted(string text, int start, char close)
        {
            int i = start + 1;
            while (i < text.Length)
            {
                if (text[i] == close)
                {
                    if (i + 1 < text.Length && text[i + 1] == close)
                    {
                        i += 2;
                        continue;
                    }

                    return i + 1;
                }

                i++;
            }

            return -1;
        }

        /// <summary>T-SQL block comments nest; the index after the outer one's end, or -1.</summary>
        private static int SkipBlockComment(string text, int start)
        {
            int depth = 0;
            int i = start;
            while (i < text.Length)
            {
                if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
                {
                    depth++;
                    i += 2;
                }
                else if (text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/')
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

            return -1;
        }
    }
}
