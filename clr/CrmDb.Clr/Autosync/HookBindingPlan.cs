using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace CrmDb.Clr.Autosync
{
    /// <summary>How one declared parameter of a hook receives its value.</summary>
    public sealed class HookBinding
    {
        internal HookBinding(HookParameter parameter, HookArgument argument, bool converts)
        {
            Parameter = parameter;
            Argument = argument;
            Converts = converts;
        }

        /// <summary>The hook's parameter.</summary>
        public HookParameter Parameter { get; }

        /// <summary>The value it receives.</summary>
        public HookArgument Argument { get; }

        /// <summary>True when the value is converted to the declared type before the call.</summary>
        public bool Converts { get; }
    }

    /// <summary>
    /// Decides, from a hook's declared parameters, what it receives (docs/design.md decision 1): the
    /// contract's parameters by name (any subset, any case), each converted to its declared
    /// type; any other parameter must have a default, else the hook is non-conforming and is
    /// not run. Builds the EXEC statement the runner passes to sp_executesql with
    /// <see cref="HookContract.StatementParameters"/>, and the same call with literal values for
    /// the trace.
    /// </summary>
    public sealed class HookBindingPlan
    {
        private readonly List<HookBinding> bindings;
        private readonly List<string> problems;

        private HookBindingPlan(List<HookBinding> bindings, List<string> problems)
        {
            this.bindings = bindings;
            this.problems = problems;
        }

        /// <summary>The bound parameters, in declaration order.</summary>
        public IReadOnlyList<HookBinding> Bindings => bindings;

        /// <summary>Why the hook cannot be run (French), empty when it conforms.</summary>
        public IReadOnlyList<string> Problems => problems;

        /// <summary>True when the hook can be run.</summary>
        public bool IsConforming => problems.Count == 0;

        /// <summary>The problems as one French sentence list.</summary>
        public string Reason => string.Join(" ", problems.ToArray());

        /// <summary>Plans the call of a hook declaring <paramref name="parameters"/> for a cycle's <paramref name="values"/>.</summary>
        public static HookBindingPlan Create(IEnumerable<HookParameter> parameters, HookValues values)
        {
            if (parameters == null)
            {
                throw new ArgumentNullException(nameof(parameters));
            }

            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            var bindings = new List<HookBinding>();
            var problems = new List<string>();
            foreach (HookParameter parameter in parameters)
            {
                if (!IsParameterName(parameter.Name))
                {
                    problems.Add("Paramètre au nom inattendu : " + parameter.Name + ".");
                    continue;
                }

                HookArgument? argument = HookContract.ArgumentFor(parameter.Name);
                if (argument == null)
                {
                    if (parameter.HasDefault == true || parameter.IsReadOnly)
                    {
                        continue;
                    }

                    problems.Add(parameter.HasDefault == null
                        ? parameter.Name + " ne fait pas partie du contrat (" + HookContract.NamesText + ") et sa valeur par défaut ne peut pas être lue (procédure chiffrée, ou droit VIEW DEFINITION manquant) : supprimez-le ou donnez-lui une valeur par défaut (= NULL)."
                        : parameter.Name + " ne fait pas partie du contrat (" + HookContract.NamesText + ") et n'a pas de valeur par défaut : supprimez-le ou donnez-lui une valeur par défaut (= NULL).");
                    continue;
                }

                string? problem = Check(parameter, argument.Value, values);
                if (problem != null)
                {
                    problems.Add(problem);
                    continue;
                }

                bool converts = !string.Equals(parameter.BaseType, HookContract.SourceType(argument.Value), StringComparison.OrdinalIgnoreCase);
                bindings.Add(new HookBinding(parameter, argument.Value, converts));
            }

            return new HookBindingPlan(bindings, problems);
        }

        /// <summary>
        /// The statement that calls the hook: conversions into local variables, then
        /// <c>EXEC @ReturnCode = [schema].[name] @p = ...;</c>, reading the runner's variables.
        /// </summary>
        public string BuildStatement(string schema, string procedure)
        {
            if (!IsConforming)
            {
                throw new InvalidOperationException("A non-conforming hook has no statement: " + Reason);
            }

            var text = new StringBuilder();
            var arguments = new List<string>();
            int converted = 0;
            foreach (HookBinding binding in bindings)
            {
                string source = HookContract.SourceVariable(binding.Argument);
                if (binding.Converts)
                {
                    converted++;
                    string local = "@Bind" + converted.ToString(CultureInfo.InvariantCulture);
                    string type = binding.Parameter.BaseType;
                    text.Append("DECLARE ").Append(local).Append(' ').Append(type)
                        .Append(" = CONVERT(").Append(type).Append(", ").Append(source).Append(");\n");
                    source = local;
                }

                arguments.Add(binding.Parameter.Name + " = " + source);
            }

            text.Append("EXEC @ReturnCode = ").Append(QualifiedName(schema, procedure));
            if (arguments.Count > 0)
            {
                text.Append(' ').Append(string.Join(", ", arguments.ToArray()));
            }

            return text.Append(';').ToString();
        }

        /// <summary>The call with its values written out, runnable as it is in SSMS: <c>EXEC [dbo].[AUTOSYNC_0301_x] @tokenAccount = 1234;</c>.</summary>
        public string BuildDisplay(string schema, string procedure, HookValues values)
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            var arguments = new List<string>();
            foreach (HookBinding binding in bindings)
            {
                arguments.Add(binding.Parameter.Name + " = " + Literal(binding, values));
            }

            return "EXEC " + QualifiedName(schema, procedure)
                + (arguments.Count > 0 ? " " + string.Join(", ", arguments.ToArray()) : string.Empty) + ";";
        }

        /// <summary>A hook's declared parameters as integrators read them.</summary>
        public static string DescribeParameters(IEnumerable<HookParameter> parameters)
        {
            var parts = new List<string>();
            foreach (HookParameter parameter in parameters)
            {
                parts.Add(parameter.Describe());
            }

            return string.Join(", ", parts.ToArray());
        }

        /// <summary>True for '@' followed by identifier characters: what a parameter name may be.</summary>
        public static bool IsParameterName(string? name)
        {
            if (name == null || name.Length < 2 || name.Length > 128 || name[0] != '@' || name[1] == '@')
            {
                return false;
            }

            for (int i = 1; i < name.Length; i++)
            {
                if (!SqlTokenizer.IsWordChar(name[i]) && name[i] != '@')
                {
                    return false;
                }
            }

            return true;
        }

        private static string QualifiedName(string schema, string procedure) => SqlName.Quote(schema) + "." + SqlName.Quote(procedure);

        private static string? Check(HookParameter parameter, HookArgument argument, HookValues values)
        {
            string declared = parameter.Name + " est déclaré " + parameter.DeclaredType + (parameter.IsReadOnly ? " READONLY" : string.Empty);
            if (parameter.IsReadOnly)
            {
                return declared + " : un paramètre du contrat ne peut pas être une table.";
            }

            switch (argument)
            {
                case HookArgument.IntegrationId:
                case HookArgument.TokenAccount:
                    if (parameter.TypeName == "int" || parameter.TypeName == "bigint")
                    {
                        return null;
                    }

                    if (parameter.IsVariableText && (parameter.Characters < 0 || parameter.Characters >= HookContract.LongestIntText))
                    {
                        return null;
                    }

                    return declared + " : types acceptés int, bigint, nvarchar(11 ou plus) ou varchar(11 ou plus) ; int conseillé.";

                case HookArgument.SyncStatus:
                    if (parameter.IsVariableText && (parameter.Characters < 0 || parameter.Characters >= HookContract.LongestStatus))
                    {
                        return null;
                    }

                    return declared + " : types acceptés nvarchar ou varchar de 7 caractères ou plus (success, fail, warning) ; nvarchar(10) conseillé.";

                default:
                    if (!parameter.IsVariableText)
                    {
                        return declared + " : types acceptés nvarchar ou varchar ; nvarchar(300) conseillé.";
                    }

                    if (values.GesComBaseInt != null && parameter.Characters >= 0 && parameter.Characters < values.GesComBaseInt.Length)
                    {
                        return declared + " : trop court pour " + values.GesComBaseInt + " ("
                            + values.GesComBaseInt.Length.ToString(CultureInfo.InvariantCulture) + " caractères) ; déclarez nvarchar(300).";
                    }

                    return null;
            }
        }

        private static string Literal(HookBinding binding, HookValues values)
        {
            string? text;
            switch (binding.Argument)
            {
                case HookArgument.IntegrationId:
                    text = values.IntegrationId?.ToString(CultureInfo.InvariantCulture);
                    break;
                case HookArgument.TokenAccount:
                    text = values.TokenAccount?.ToString(CultureInfo.InvariantCulture);
                    break;
                case HookArgument.SyncStatus:
                    text = values.SyncStatus;
                    break;
                default:
                    text = values.GesComBaseInt;
                    break;
            }

            if (text == null)
            {
                return "NULL";
            }

            HookParameter parameter = binding.Parameter;
            if (!parameter.IsVariableText)
            {
                return text;
            }

            string literal = SqlName.Literal(text);
            return parameter.IsUnicodeText ? literal : literal.Substring(1);
        }
    }
}
