using System;
using System.Collections.Generic;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// The check that makes a REPLI value read GesCom data only (docs/security.md, "REPLI values").
    /// A REPLI value is integrator SQL that MC_replicate runs with the synchronisation login's
    /// rights, so a lexical check is not enough: this is a recursive-descent parser of the one
    /// scalar expression a value may be, over <see cref="SqlTokenizer"/>'s tokens (ScriptDom
    /// cannot run in a SAFE assembly; tests/CrmDb.Tests/Replication compares this parser with
    /// ScriptDom on a corpus). What it accepts:
    /// <list type="bullet">
    /// <item>columns of the F_COMPTET row (<c>[CT_NumPayeur]</c>, <c>G.[CT_NumPayeur]</c>) or of a
    /// subquery's tables: one or two parts, never three or four (another database or server);</item>
    /// <item>scalar subqueries whose FROM names only <c>#F_</c>/<c>#P_</c> token tables;</item>
    /// <item>calls of the deterministic built-ins of <see cref="BuiltInFunctions"/> and of the schema-qualified
    /// functions of the allow-list (dbo.MC_ReplicationFunction, by default dbo.FCT_condpaiement);</item>
    /// <item>literals, CASE, CAST/CONVERT to a system type, arithmetic, comparisons in conditions.</item>
    /// </list>
    /// Anything else is refused: variables (@x, @@x), other tables, OPENQUERY and its kin,
    /// statements (INSERT, EXEC, ...), text after the expression.
    /// </summary>
    public sealed class ReplicationValueParser
    {
        /// <summary>
        /// The built-in functions a value may call: deterministic, reading no data of their own,
        /// doing nothing but compute (aggregates for subqueries included). The list is documented in docs/security.md.
        /// </summary>
        private static readonly string[] BuiltIns =
        {
            "ABS", "AVG", "CEILING", "CHARINDEX", "CHOOSE", "COALESCE", "CONCAT", "CONCAT_WS", "COUNT",
            "DATALENGTH", "DATEADD", "DATEDIFF", "DATEFROMPARTS", "DATENAME", "DATEPART", "DAY", "FLOOR",
            "IIF", "ISNULL", "LEFT", "LEN", "LOWER", "LTRIM", "MAX", "MIN", "MONTH", "NULLIF", "REPLACE",
            "REPLICATE", "REVERSE", "RIGHT", "ROUND", "RTRIM", "SIGN", "SPACE", "STR", "STUFF", "SUBSTRING",
            "SUM", "TRIM", "UPPER", "YEAR",
        };

        /// <summary>The system types CAST and CONVERT may produce.</summary>
        private static readonly string[] Types =
        {
            "BIGINT", "BIT", "CHAR", "DATE", "DATETIME", "DATETIME2", "DATETIMEOFFSET", "DECIMAL", "FLOAT",
            "INT", "MONEY", "NCHAR", "NUMERIC", "NVARCHAR", "REAL", "SMALLDATETIME", "SMALLINT", "SMALLMONEY",
            "TIME", "TINYINT", "UNIQUEIDENTIFIER", "VARCHAR",
        };

        /// <summary>The date parts DATEADD, DATEDIFF, DATENAME and DATEPART take as their first argument.</summary>
        private static readonly string[] DateParts =
        {
            "YEAR", "YY", "YYYY", "QUARTER", "QQ", "Q", "MONTH", "MM", "M", "DAYOFYEAR", "DY", "Y", "DAY", "DD", "D",
            "WEEK", "WK", "WW", "WEEKDAY", "DW", "HOUR", "HH", "MINUTE", "MI", "N", "SECOND", "SS", "S",
            "MILLISECOND", "MS",
        };

        /// <summary>Rowset functions that reach other servers or files.</summary>
        private static readonly string[] Rowsets = { "OPENQUERY", "OPENROWSET", "OPENDATASOURCE", "OPENXML", "OPENJSON" };

        /// <summary>Words that start or belong to a statement, never to an expression.</summary>
        private static readonly string[] StatementWords =
        {
            "ALTER", "BACKUP", "BEGIN", "BULK", "COMMIT", "CREATE", "DBCC", "DECLARE", "DELETE", "DENY", "DROP",
            "EXEC", "EXECUTE", "GOTO", "GRANT", "INSERT", "INTO", "KILL", "MERGE", "OUTPUT", "PRINT", "RAISERROR",
            "RECONFIGURE", "RESTORE", "RETURN", "REVERT", "REVOKE", "ROLLBACK", "SAVE", "SET", "SHUTDOWN", "THROW",
            "TRUNCATE", "UPDATE", "USE", "WAITFOR", "WHILE",
        };

        /// <summary>Reserved words that cannot be a column's name without brackets.</summary>
        private static readonly string[] Reserved =
        {
            "ALL", "AND", "ANY", "APPLY", "AS", "ASC", "BETWEEN", "BY", "CASE", "COLLATE", "CROSS", "DESC", "DISTINCT",
            "ELSE", "END", "ESCAPE", "EXCEPT", "EXISTS", "FROM", "FULL", "GROUP", "HAVING", "IN", "INNER", "INTERSECT",
            "IS", "JOIN", "LIKE", "NOT", "NULL", "ON", "OR", "ORDER", "OUTER", "OVER", "PIVOT", "SELECT", "SOME",
            "TABLESAMPLE", "THEN", "TOP", "UNION", "UNPIVOT", "WHEN", "WHERE", "WITH",
        };

        private readonly List<SqlToken> tokens;
        private readonly string[] allowed;
        private int position;

        private ReplicationValueParser(List<SqlToken> tokens, string[] allowed)
        {
            this.tokens = tokens;
            this.allowed = allowed;
        }

        /// <summary>
        /// Null when <paramref name="expression"/> is a REPLI value that reads GesCom data only;
        /// otherwise the rule it breaks. <paramref name="allowedFunctions"/>: the allow-list, as
        /// schema.name entries separated by commas, semicolons or line ends (brackets allowed).
        /// </summary>
        public static ReplicationValueProblem? Check(string? expression, string? allowedFunctions)
        {
            string? lexical = ReplicationExpression.Problem(expression);
            if (lexical != null)
            {
                bool empty = expression == null || expression.Trim().Length == 0;
                return new ReplicationValueProblem(empty ? "empty" : "lexical", expression ?? string.Empty, lexical);
            }

            var parser = new ReplicationValueParser(SqlTokenizer.Tokenize(expression!), SplitAllowList(allowedFunctions));
            try
            {
                parser.Forbidden();
                parser.Scalar();
                if (!parser.AtEnd)
                {
                    SqlToken extra = parser.Current;
                    return new ReplicationValueProblem(
                        "one-expression",
                        extra.Text,
                        "« " + extra.Text + " » suit une expression complète : la valeur doit être une seule expression (une colonne, une sous-requête ou un appel de fonction).");
                }

                return null;
            }
            catch (RuleException ex)
            {
                return ex.Problem;
            }
        }

        /// <summary>The built-in functions a value may call (a copy: docs/security.md lists them).</summary>
        public static string[] BuiltInFunctions() => (string[])BuiltIns.Clone();

        /// <summary>The allow-list's entries, upper-cased, brackets removed: "DBO.FCT_CONDPAIEMENT".</summary>
        public static string[] SplitAllowList(string? allowedFunctions)
        {
            var entries = new List<string>();
            if (allowedFunctions != null)
            {
                foreach (string raw in allowedFunctions.Split(',', ';', '\n', '\r'))
                {
                    string entry = raw.Replace("[", string.Empty).Replace("]", string.Empty).Trim();
                    if (entry.Length > 0)
                    {
                        entries.Add(entry.ToUpperInvariant());
                    }
                }
            }

            return entries.ToArray();
        }

        private bool AtEnd => position >= tokens.Count;

        private SqlToken Current => tokens[position];

        /// <summary>Refuses variables, rowset functions and statement words wherever they stand: none can be part of a value.</summary>
        private void Forbidden()
        {
            foreach (SqlToken token in tokens)
            {
                if (token.Kind == SqlTokenKind.Variable)
                {
                    throw Rule("variable", token.Text, "« " + token.Text + " » : une valeur ne lit aucune variable ni fonction système (@, @@) ; elle lit les colonnes de F_COMPTET.");
                }

                if (token.Kind == SqlTokenKind.Word && Contains(Rowsets, token.Text))
                {
                    throw Rule("rowset", token.Text, "« " + token.Text + " » est interdit : une valeur ne lit que la base GesCom de l'intégration, jamais un autre serveur, un fichier ou une source OLE DB.");
                }

                if (token.Kind == SqlTokenKind.Word && Contains(StatementWords, token.Text))
                {
                    throw Rule("statement", token.Text, "« " + token.Text + " » est interdit : une valeur est une expression qui lit, elle ne modifie rien et n'exécute aucune instruction.");
                }
            }
        }

        // ---------------------------------------------------------------------------------
        // Scalar expressions
        // ---------------------------------------------------------------------------------
        private void Scalar()
        {
            Term();
            while (!AtEnd && (IsSymbol('+') || IsSymbol('-') || IsSymbol('&') || IsSymbol('|') || IsSymbol('^')))
            {
                position++;
                Term();
            }
        }

        private void Term()
        {
            Unary();
            while (!AtEnd && (IsSymbol('*') || IsSymbol('/') || IsSymbol('%')))
            {
                position++;
                Unary();
            }
        }

        private void Unary()
        {
            if (!AtEnd && (IsSymbol('-') || IsSymbol('+') || IsSymbol('~')))
            {
                position++;
                Unary();
                return;
            }

            Primary();
            if (IsWord("COLLATE"))
            {
                position++;
                Identifier();
            }
        }

        private void Primary()
        {
            if (AtEnd)
            {
                throw Syntax();
            }

            SqlToken token = Current;
            switch (token.Kind)
            {
                case SqlTokenKind.Number:
                    if (token.Text.IndexOf('.') != token.Text.LastIndexOf('.'))
                    {
                        throw Syntax();
                    }

                    position++;
                    return;
                case SqlTokenKind.String:
                    position++;
                    return;
                case SqlTokenKind.QuotedIdentifier:
                    NameOrCall();
                    return;
                case SqlTokenKind.Symbol:
                    if (token.IsSymbol('('))
                    {
                        position++;
                        if (IsWord("SELECT"))
                        {
                            Subquery();
                        }
                        else
                        {
                            Scalar();
                        }

                        Expect(')');
                        return;
                    }

                    throw Syntax();
                case SqlTokenKind.Word:
                    if (token.IsWord("NULL"))
                    {
                        position++;
                        return;
                    }

                    if (token.IsWord("CASE"))
                    {
                        Case();
                        return;
                    }

                    if (token.IsWord("CAST") || token.IsWord("TRY_CAST"))
                    {
                        position++;
                        Expect('(');
                        Scalar();
                        ExpectWord("AS");
                        DataType();
                        Expect(')');
                        return;
                    }

                    if (token.IsWord("CONVERT") || token.IsWord("TRY_CONVERT"))
                    {
                        position++;
                        Expect('(');
                        DataType();
                        Expect(',');
                        Scalar();
                        if (IsSymbol(','))
                        {
                            position++;
                            Scalar();
                        }

                        Expect(')');
                        return;
                    }

                    if (Contains(Reserved, token.Text))
                    {
                        throw Syntax();
                    }

                    NameOrCall();
                    return;
                default:
                    throw Syntax();
            }
        }

        /// <summary>A column (one or two parts) or a function call (a built-in, or an allowed schema.function).</summary>
        private void NameOrCall()
        {
            int start = position;
            var parts = new List<SqlToken>();
            parts.Add(Identifier());
            while (IsSymbol('.'))
            {
                position++;
                parts.Add(Identifier());
            }

            if (IsSymbol('('))
            {
                Call(parts, start);
                return;
            }

            if (parts.Count > 2)
            {
                string shown = Shown(start, position);
                throw Rule("name-parts", shown, "« " + shown + " » : une colonne se nomme en une ou deux parties ([CT_NumPayeur], G.[CT_NumPayeur]) ; aucune autre base, aucun autre schéma ni serveur.");
            }

            if (parts[0].Kind == SqlTokenKind.Word && parts[0].Text[0] == '#')
            {
                throw Rule("table", parts[0].Text, "« " + parts[0].Text + " » n'est pas une colonne : une table #F_/#P_ se lit dans une sous-requête (SELECT ... FROM " + parts[0].Text + " AS T ...).");
            }
        }

        private void Call(List<SqlToken> parts, int start)
        {
            string name = Shown(start, position);
            if (parts.Count == 1)
            {
                string bare = Unquoted(parts[0]);
                if (!Contains(BuiltIns, bare))
                {
                    throw Rule("function", name, "la fonction « " + name + " » n'est pas permise : une valeur appelle les fonctions intégrées de la liste documentée (CONVERT, ISNULL, LEFT...) ou une fonction nommée avec son schéma dans dbo.MC_ReplicationFunction (par défaut dbo.FCT_condpaiement).");
                }

                position++;
                BuiltInArguments(bare);
                Expect(')');
                return;
            }

            string qualified = parts.Count == 2 ? (Unquoted(parts[0]) + "." + Unquoted(parts[1])).ToUpperInvariant() : string.Empty;
            if (parts.Count != 2 || !Contains(allowed, qualified))
            {
                throw Rule("function", name, "la fonction « " + name + " » n'est pas dans la liste des fonctions permises (dbo.MC_ReplicationFunction, que seul un administrateur db_owner modifie) ; une valeur n'appelle aucune autre base ni fonction système.");
            }

            position++;
            Arguments();
            Expect(')');
        }

        private void BuiltInArguments(string name)
        {
            if (name == "COUNT" && IsSymbol('*'))
            {
                position++;
                return;
            }

            if ((name == "COUNT" || name == "SUM" || name == "AVG" || name == "MAX" || name == "MIN") && (IsWord("DISTINCT") || IsWord("ALL")))
            {
                position++;
            }

            if (name == "DATEADD" || name == "DATEDIFF" || name == "DATENAME" || name == "DATEPART")
            {
                if (AtEnd || Current.Kind != SqlTokenKind.Word || !Contains(DateParts, Current.Text))
                {
                    throw Syntax();
                }

                position++;
                if (name == "DATENAME" || name == "DATEPART")
                {
                    Expect(',');
                    Scalar();
                    return;
                }

                Expect(',');
                Scalar();
                Expect(',');
                Scalar();
                return;
            }

            if (name == "IIF")
            {
                Condition();
                Expect(',');
                Scalar();
                Expect(',');
                Scalar();
                return;
            }

            if (name == "TRIM")
            {
                Scalar();
                if (IsWord("FROM"))
                {
                    position++;
                    Scalar();
                }

                return;
            }

            Arguments();
        }

        private void Arguments()
        {
            if (IsSymbol(')'))
            {
                return;
            }

            Scalar();
            while (IsSymbol(','))
            {
                position++;
                Scalar();
            }
        }

        private void Case()
        {
            position++;
            bool simple = !IsWord("WHEN");
            if (simple)
            {
                Scalar();
            }

            if (!IsWord("WHEN"))
            {
                throw Syntax();
            }

            while (IsWord("WHEN"))
            {
                position++;
                if (simple)
                {
                    Scalar();
                }
                else
                {
                    Condition();
                }

                ExpectWord("THEN");
                Scalar();
            }

            if (IsWord("ELSE"))
            {
                position++;
                Scalar();
            }

            ExpectWord("END");
        }

        private void DataType()
        {
            if (AtEnd)
            {
                throw Syntax();
            }

            SqlToken type = Current;
            string bare = type.Kind == SqlTokenKind.Word || type.Kind == SqlTokenKind.QuotedIdentifier ? Unquoted(type) : string.Empty;
            if (!Contains(Types, bare) || (!AtEndAfter(1) && tokens[position + 1].IsSymbol('.')))
            {
                throw Rule("type", type.Text, "« " + type.Text + " » : CAST et CONVERT donnent un type système (nvarchar, int, decimal, date...), jamais un type défini dans une base.");
            }

            position++;
            if (IsSymbol('('))
            {
                position++;
                if (IsWord("MAX"))
                {
                    position++;
                }
                else
                {
                    ExpectNumber();
                    if (IsSymbol(','))
                    {
                        position++;
                        ExpectNumber();
                    }
                }

                Expect(')');
            }
        }

        // ---------------------------------------------------------------------------------
        // Conditions (CASE WHEN, IIF's first argument, WHERE, ON, HAVING)
        // ---------------------------------------------------------------------------------
        private void Condition()
        {
            AndCondition();
            while (IsWord("OR"))
            {
                position++;
                AndCondition();
            }
        }

        private void AndCondition()
        {
            NotCondition();
            while (IsWord("AND"))
            {
                position++;
                NotCondition();
            }
        }

        private void NotCondition()
        {
            if (IsWord("NOT"))
            {
                position++;
                NotCondition();
                return;
            }

            if (IsWord("EXISTS"))
            {
                position++;
                Expect('(');
                ExpectWordAhead("SELECT");
                Subquery();
                Expect(')');
                return;
            }

            // "(a = b)" is a condition in parentheses, "(a) = b" a comparison: try the first.
            if (IsSymbol('(') && !(!AtEndAfter(1) && tokens[position + 1].IsWord("SELECT")))
            {
                int saved = position;
                try
                {
                    position++;
                    Condition();
                    Expect(')');
                    return;
                }
                catch (SyntaxException)
                {
                    position = saved;
                }
            }

            Predicate();
        }

        private void Predicate()
        {
            Scalar();
            if (ComparisonOperator())
            {
                if (IsWord("ALL") || IsWord("ANY") || IsWord("SOME"))
                {
                    position++;
                    Expect('(');
                    ExpectWordAhead("SELECT");
                    Subquery();
                    Expect(')');
                    return;
                }

                Scalar();
                return;
            }

            if (IsWord("IS"))
            {
                position++;
                if (IsWord("NOT"))
                {
                    position++;
                }

                ExpectWord("NULL");
                return;
            }

            if (IsWord("NOT"))
            {
                position++;
                if (!IsWord("LIKE") && !IsWord("IN") && !IsWord("BETWEEN"))
                {
                    throw Syntax();
                }
            }

            if (IsWord("LIKE"))
            {
                position++;
                Scalar();
                if (IsWord("ESCAPE"))
                {
                    position++;
                    Scalar();
                }

                return;
            }

            if (IsWord("IN"))
            {
                position++;
                Expect('(');
                if (IsWord("SELECT"))
                {
                    Subquery();
                }
                else
                {
                    Scalar();
                    while (IsSymbol(','))
                    {
                        position++;
                        Scalar();
                    }
                }

                Expect(')');
                return;
            }

            if (IsWord("BETWEEN"))
            {
                position++;
                Scalar();
                ExpectWord("AND");
                Scalar();
                return;
            }

            throw Syntax();
        }

        /// <summary>=, &lt;&gt;, !=, &lt;, &gt;, &lt;=, &gt;=, !&lt;, !&gt; (two adjacent symbols make one operator).</summary>
        private bool ComparisonOperator()
        {
            if (AtEnd || Current.Kind != SqlTokenKind.Symbol)
            {
                return false;
            }

            char first = Current.Text[0];
            char second = !AtEndAfter(1) && tokens[position + 1].Kind == SqlTokenKind.Symbol && tokens[position + 1].Start == Current.Start + 1
                ? tokens[position + 1].Text[0]
                : '\0';
            if ((first == '<' && (second == '>' || second == '=')) || (first == '>' && second == '=') || (first == '!' && (second == '=' || second == '<' || second == '>')))
            {
                position += 2;
                return true;
            }

            if (first == '=' || first == '<' || first == '>')
            {
                position++;
                return true;
            }

            return false;
        }

        // ---------------------------------------------------------------------------------
        // Subqueries: one column, FROM #F_/#P_ token tables only
        // ---------------------------------------------------------------------------------
        private void Subquery()
        {
            ExpectWord("SELECT");
            if (IsWord("DISTINCT") || IsWord("ALL"))
            {
                position++;
            }

            if (IsWord("TOP"))
            {
                position++;
                if (IsSymbol('('))
                {
                    position++;
                    Scalar();
                    Expect(')');
                }
                else
                {
                    ExpectNumber();
                }
            }

            Scalar();
            if (IsWord("AS"))
            {
                position++;
                Identifier();
            }
            else if (!AtEnd && (Current.Kind == SqlTokenKind.QuotedIdentifier || (Current.Kind == SqlTokenKind.Word && !Contains(Reserved, Current.Text))))
            {
                Identifier();
            }

            if (IsSymbol(','))
            {
                throw Rule("one-expression", ",", "une sous-requête de valeur renvoie une seule colonne : retirez les colonnes après la virgule.");
            }

            if (IsWord("FROM"))
            {
                position++;
                TableSource();
                while (IsWord("JOIN") || IsWord("INNER") || IsWord("LEFT"))
                {
                    if (IsWord("INNER"))
                    {
                        position++;
                    }
                    else if (IsWord("LEFT"))
                    {
                        position++;
                        if (IsWord("OUTER"))
                        {
                            position++;
                        }
                    }

                    ExpectWord("JOIN");
                    TableSource();
                    ExpectWord("ON");
                    Condition();
                }

                if (IsWord("CROSS") || IsWord("OUTER") || IsWord("FULL") || IsWord("RIGHT") || IsSymbol(','))
                {
                    throw Syntax();
                }
            }

            if (IsWord("WHERE"))
            {
                position++;
                Condition();
            }

            if (IsWord("GROUP"))
            {
                position++;
                ExpectWord("BY");
                Scalar();
                while (IsSymbol(','))
                {
                    position++;
                    Scalar();
                }
            }

            if (IsWord("HAVING"))
            {
                position++;
                Condition();
            }

            if (IsWord("ORDER"))
            {
                position++;
                ExpectWord("BY");
                OrderItem();
                while (IsSymbol(','))
                {
                    position++;
                    OrderItem();
                }
            }

            if (IsWord("UNION") || IsWord("EXCEPT") || IsWord("INTERSECT"))
            {
                throw Syntax();
            }
        }

        private void OrderItem()
        {
            Scalar();
            if (IsWord("ASC") || IsWord("DESC"))
            {
                position++;
            }
        }

        private void TableSource()
        {
            if (AtEnd)
            {
                throw Syntax();
            }

            SqlToken table = Current;
            bool token = table.Kind == SqlTokenKind.Word && table.Text[0] == '#' && TokenExpander.CountTokens(table.Text) == 1
                && table.Text[table.Text.Length - 1] == '#';
            if (!token)
            {
                int start = position;
                if (table.Kind == SqlTokenKind.Word || table.Kind == SqlTokenKind.QuotedIdentifier)
                {
                    position++;
                    while (IsSymbol('.') && !AtEndAfter(1))
                    {
                        position += 2;
                    }
                }

                string shown = position > start ? Shown(start, position) : table.Text;
                throw Rule("table", shown, "« " + shown + " » : une sous-requête lit seulement les tables GesCom nommées par un jeton #F_<TABLE># ou #P_<TABLE># (par exemple FROM #P_REGLEMENT# AS R) ; aucune table du CRM, du système ni d'une autre base.");
            }

            position++;
            if (IsWord("AS"))
            {
                position++;
                Identifier();
            }
            else if (!AtEnd && (Current.Kind == SqlTokenKind.QuotedIdentifier || (Current.Kind == SqlTokenKind.Word && !Contains(Reserved, Current.Text) && !IsWord("LEFT"))))
            {
                Identifier();
            }

            if (IsWord("WITH"))
            {
                throw Syntax();
            }
        }

        // ---------------------------------------------------------------------------------
        // Tokens
        // ---------------------------------------------------------------------------------
        private SqlToken Identifier()
        {
            // A word starting with $ is a money literal or $PARTITION-like name, never a column here.
            if (AtEnd || !(Current.Kind == SqlTokenKind.QuotedIdentifier
                || (Current.Kind == SqlTokenKind.Word && !Contains(Reserved, Current.Text) && Current.Text[0] != '$')))
            {
                throw Syntax();
            }

            SqlToken token = Current;
            position++;
            return token;
        }

        private void Expect(char symbol)
        {
            if (!IsSymbol(symbol))
            {
                throw Syntax();
            }

            position++;
        }

        private void ExpectWord(string word)
        {
            if (!IsWord(word))
            {
                throw Syntax();
            }

            position++;
        }

        private void ExpectWordAhead(string word)
        {
            if (!IsWord(word))
            {
                throw Syntax();
            }
        }

        private void ExpectNumber()
        {
            if (AtEnd || Current.Kind != SqlTokenKind.Number || Current.Text.IndexOf('.') >= 0)
            {
                throw Syntax();
            }

            position++;
        }

        private bool IsSymbol(char c) => !AtEnd && Current.IsSymbol(c);

        private bool IsWord(string word) => !AtEnd && Current.IsWord(word);

        private bool AtEndAfter(int offset) => position + offset >= tokens.Count;

        /// <summary>The tokens' own texts joined (the source text between them may hold comments).</summary>
        private string Shown(int start, int end)
        {
            var text = new System.Text.StringBuilder();
            for (int i = start; i < end && i < tokens.Count; i++)
            {
                text.Append(tokens[i].Text);
            }

            return text.ToString();
        }

        private static string Unquoted(SqlToken token)
        {
            if (token.Kind != SqlTokenKind.QuotedIdentifier)
            {
                return token.Text.ToUpperInvariant();
            }

            char closer = token.Text[0] == '[' ? ']' : '"';
            string inner = token.Text.Substring(1, token.Text.Length - 2);
            return inner.Replace(new string(closer, 2), new string(closer, 1)).ToUpperInvariant();
        }

        private static bool Contains(string[] list, string value)
        {
            for (int i = 0; i < list.Length; i++)
            {
                if (string.Equals(list[i], value, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private SyntaxException Syntax()
        {
            string part = AtEnd ? "(fin de la valeur)" : Current.Text;
            return new SyntaxException(new ReplicationValueProblem(
                "syntax",
                part,
                AtEnd
                    ? "la valeur s'arrête avant la fin de l'expression."
                    : "« " + part + " » : la valeur n'est pas une expression permise à cet endroit (une colonne, une sous-requête sur des tables #F_/#P_, un appel de fonction permise, une constante, CASE, CAST ou CONVERT)."));
        }

        private static RuleException Rule(string rule, string part, string message) =>
            new RuleException(new ReplicationValueProblem(rule, part, message));

        /// <summary>A rule broken: final, never undone by trying another reading.</summary>
        private class RuleException : Exception
        {
            public RuleException(ReplicationValueProblem problem)
                : base(problem.Message)
            {
                Problem = problem;
            }

            public ReplicationValueProblem Problem { get; }
        }

        /// <summary>Text that does not read as the grammar expects here: another reading may be tried.</summary>
        private sealed class SyntaxException : RuleException
        {
            public SyntaxException(ReplicationValueProblem problem)
                : base(problem)
            {
            }
        }
    }
}
