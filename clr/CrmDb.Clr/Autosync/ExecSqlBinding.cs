using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace CrmDb.Clr.Autosync
{
    /// <summary>One parameter an integrator declared for dbo.MC_execsql.</summary>
    public sealed class ExecSqlParameter
    {
        internal ExecSqlParameter(int position, string name, string type)
        {
            Position = position;
            Name = name;
            Type = type;
        }

        /// <summary>1 for the first: it takes @Value1.</summary>
        public int Position { get; }

        /// <summary>The name with its '@'.</summary>
        public string Name { get; }

        /// <summary>The type as written.</summary>
        public string Type { get; }
    }

    /// <summary>What dbo.MC_execsql runs for a parameter list: the wrapper batch, or why it cannot.</summary>
    public sealed class ExecSqlPlan
    {
        internal ExecSqlPlan(List<ExecSqlParameter> parameters, string? error, string? wrapper)
        {
            Parameters = parameters;
            Error = error;
            Wrapper = wrapper;
        }

        /// <summary>The declared parameters, in order.</summary>
        public IReadOnlyList<ExecSqlParameter> Parameters { get; }

        /// <summary>What is wrong with the list (French), or null.</summary>
        public string? Error { get; }

        /// <summary>The batch to run with <see cref="ExecSqlBinding.WrapperParameters"/>; null on error.</summary>
        public string? Wrapper { get; }
    }

    /// <summary>
    /// dbo.MC_execsql takes the integrator's statement, its sp_executesql parameter list
    /// (<c>@since int, @ct nvarchar(17)</c>) and up to ten values as sql_variant (@Value1 for the
    /// first parameter, ...). A procedure cannot pass a variable number of arguments on, so this
    /// builds a small wrapper batch that converts each value to its declared type and calls
    /// sp_executesql with the statement, the list as given and each parameter by name.
    /// </summary>
    public static class ExecSqlBinding
    {
        /// <summary>How many values dbo.MC_execsql takes.</summary>
        public const int MaxValues = 10;

        /// <summary>The wrapper's own parameters.</summary>
        public const string WrapperParameters =
            "@Statement nvarchar(max), @Value1 sql_variant, @Value2 sql_variant, @Value3 sql_variant, @Value4 sql_variant, "
            + "@Value5 sql_variant, @Value6 sql_variant, @Value7 sql_variant, @Value8 sql_variant, @Value9 sql_variant, "
            + "@Value10 sql_variant, @RowCount int OUTPUT";

        /// <summary>Plans the execution of a statement declaring <paramref name="parameters"/> (null or blank: none).</summary>
        public static ExecSqlPlan Plan(string? parameters)
        {
            var declared = new List<ExecSqlParameter>();
            string text = parameters ?? string.Empty;
            List<SqlToken> tokens = SqlTokenizer.Tokenize(text);
            int i = 0;
            while (i < tokens.Count)
            {
                SqlToken name = tokens[i];
                string? error = CheckName(name, declared);
                if (error != null)
                {
                    return Fail(declared, error);
                }

                i++;
                if (i < tokens.Count && tokens[i].IsWord("AS"))
                {
                    i++;
                }

                int typeStart = i;
                int depth = 0;
                while (i < tokens.Count && !(depth == 0 && tokens[i].IsSymbol(',')))
                {
                    SqlToken token = tokens[i];
                    if (token.IsWord("OUTPUT") || token.IsWord("OUT") || token.IsWord("READONLY") || token.IsSymbol('='))
                    {
                        return Fail(declared, "@Parameters : " + name.Text + " " + token.Text
                            + " n'est pas pris en charge ; MC_execsql ne passe que des valeurs en entrée, sans valeur par défaut.");
                    }

                    if (!IsTypeToken(token))
                    {
                        return Fail(declared, "@Parameters : type de " + name.Text + " illisible près de « " + token.Text + " ».");
                    }

                    depth += token.IsSymbol('(') ? 1 : token.IsSymbol(')') ? -1 : 0;
                    i++;
                }

                if (i == typeStart)
                {
                    return Fail(declared, "@Parameters : " + name.Text + " n'a pas de type (exemple : @since int).");
                }

                SqlToken last = tokens[i - 1];
                string type = text.Substring(tokens[typeStart].Start, last.Start + last.Length - tokens[typeStart].Start).Trim();
                declared.Add(new ExecSqlParameter(declared.Count + 1, name.Text, type));
                if (declared.Count > MaxValues)
                {
                    return Fail(declared, "@Parameters déclare plus de " + MaxValues.ToString(CultureInfo.InvariantCulture)
                        + " paramètres : regroupez les valeurs dans une table temporaire lue par l'instruction.");
                }

                if (i < tokens.Count)
                {
                    i++;
                    if (i == tokens.Count)
                    {
                        return Fail(declared, "@Parameters se termine par une virgule.");
                    }
                }
            }

            return new ExecSqlPlan(declared, null, BuildWrapper(text, declared));
        }

        private static string BuildWrapper(string parameters, List<ExecSqlParameter> declared)
        {
            var text = new StringBuilder();
            var arguments = new List<string>();
            foreach (ExecSqlParameter parameter in declared)
            {
                string position = parameter.Position.ToString(CultureInfo.InvariantCulture);
                string local = "@P" + position;
                text.Append("DECLARE ").Append(local).Append(' ').Append(parameter.Type)
                    .Append(" = CONVERT(").Append(parameter.Type).Append(", @Value").Append(position).Append(");\n");
                arguments.Add(parameter.Name + " = " + local);
            }

            text.Append("EXEC sys.sp_executesql @Statement");
            if (declared.Count > 0)
            {
                text.Append(", ").Append(SqlName.Literal(parameters.Trim())).Append(", ").Append(string.Join(", ", arguments.ToArray()));
            }

            // EXECUTE keeps the row count of the last statement it ran.
            text.Append(";\nSET @RowCount = @@ROWCOUNT;");
            return text.ToString();
        }

        private static string? CheckName(SqlToken name, List<ExecSqlParameter> declared)
        {
            if (name.Kind != SqlTokenKind.Variable || !HookBindingPlan.IsParameterName(name.Text))
            {
                return "@Parameters : « " + name.Text + " » n'est pas un nom de paramètre ; attendu par exemple N'@since int, @ct nvarchar(17)'.";
            }

            // sp_executesql's own parameters cannot be passed by name again.
            if (string.Equals(name.Text, "@stmt", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name.Text, "@params", StringComparison.OrdinalIgnoreCase))
            {
                return "@Parameters : " + name.Text + " est réservé par sp_executesql ; choisissez un autre nom.";
            }

            foreach (ExecSqlParameter parameter in declared)
            {
                if (string.Equals(parameter.Name, name.Text, StringComparison.OrdinalIgnoreCase))
                {
                    return "@Parameters : " + name.Text + " est déclaré deux fois.";
                }
            }

            return null;
        }

        private static bool IsTypeToken(SqlToken token) =>
            token.Kind == SqlTokenKind.Word || token.Kind == SqlTokenKind.QuotedIdentifier || token.Kind == SqlTokenKind.Number
            || token.IsSymbol('(') || token.IsSymbol(')') || token.IsSymbol('.') || token.IsSymbol(',');

        private static ExecSqlPlan Fail(List<ExecSqlParameter> declared, string error) => new ExecSqlPlan(declared, error, null);
    }
}
