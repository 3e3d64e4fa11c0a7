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

            // Comments are tokens here only so that an unclosed /* is seen; they count for nothing
            // else (a -- comment ends at the line end, and the statement puts one after the value).
            int depth = 0;
            foreach (SqlToken token in SqlTokenizer.Tokenize(expression, includeComments: true))
            {
                // Only the last token can be open: the text ends inside it.
                if (!token.IsClosed)
                {
                    return Unclosed(token);
                }

                if (token.IsSymbol('('))
                {
                    depth++;
                }
                else if (token.IsSymbol(')'))
                {
                    depth--;
                    if (depth < 0)
                    {
                        return "une parenthèse fermante n'a pas de parenthèse ouvrante : la valeur doit rester une seule expression.";
                    }
                }
                else if (token.IsSymbol(';'))
                {
                    return "le point-virgule est interdit : la valeur doit être une seule expression, pas une suite d'instructions.";
                }
            }

            return depth == 0 ? null : "une parenthèse ouvrante n'est pas fermée.";
        }

        private static string Unclosed(SqlToken token)
        {
            switch (token.Kind)
            {
                case SqlTokenKind.String:
                    return "une chaîne entre apostrophes n'est pas fermée.";
                case SqlTokenKind.QuotedIdentifier:
                    return token.Text[0] == '['
                        ? "un nom entre crochets n'est pas fermé."
                        : "un nom entre guillemets n'est pas fermé.";
                default:
                    return "un commentaire /* n'est pas fermé.";
            }
        }
    }
}
