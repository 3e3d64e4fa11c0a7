namespace CrmDb.Clr
{
    /// <summary>Why a name is not a valid Custom_SysParams parameter name.</summary>
    public enum SysParamNameProblem
    {
        /// <summary>The name is valid.</summary>
        None,

        /// <summary>NULL or empty.</summary>
        Missing,

        /// <summary>Longer than <see cref="SysParamName.MaxLength"/> characters.</summary>
        TooLong,

        /// <summary>A character other than an ASCII letter, an ASCII digit or <c>_</c>.</summary>
        InvalidCharacter,
    }

    /// <summary>
    /// The rule for the names MC_setsysparams accepts (and crmdb checks before connecting):
    /// 1 to 100 characters, each an ASCII letter (a-z, A-Z), an ASCII digit (0-9) or <c>_</c>.
    /// ASCII only on purpose: the name becomes part of a procedure name
    /// (<c>MC_apply_param_</c> + name), so accented or look-alike letters (é, Cyrillic а,
    /// full-width Ａ) would make two names look the same and compare differently under
    /// different collations. T-SQL calls this code (dbo.MC_issysparamname) instead of a
    /// LIKE '[a-zA-Z0-9_]' pattern, whose letter ranges depend on the collation.
    /// </summary>
    public static class SysParamName
    {
        /// <summary>The longest name accepted (the width of Custom_SysParams.Parm_Name).</summary>
        public const int MaxLength = 100;

        /// <summary>The prefix of a curative procedure's name (docs/design.md decision 6).</summary>
        public const string CurativePrefix = "MC_apply_param_";

        /// <summary>True when <paramref name="name"/> follows the rule.</summary>
        public static bool IsValid(string? name) => Check(name) == SysParamNameProblem.None;

        /// <summary>What is wrong with <paramref name="name"/>, if anything.</summary>
        public static SysParamNameProblem Check(string? name) => Check(name, out _);

        /// <summary>
        /// What is wrong with <paramref name="name"/>; <paramref name="position"/> is the 1-based
        /// position of the first refused character (0 when the problem is not a character).
        /// </summary>
        public static SysParamNameProblem Check(string? name, out int position)
        {
            position = 0;
            if (string.IsNullOrEmpty(name))
            {
                return SysParamNameProblem.Missing;
            }

            if (name!.Length > MaxLength)
            {
                return SysParamNameProblem.TooLong;
            }

            for (int i = 0; i < name.Length; i++)
            {
                if (!IsNameCharacter(name[i]))
                {
                    position = i + 1;
                    return SysParamNameProblem.InvalidCharacter;
                }
            }

            return SysParamNameProblem.None;
        }

        /// <summary>The curative procedure's name for a valid parameter name (case as given).</summary>
        public static string CurativeProcedure(string name) => CurativePrefix + name;

        private static bool IsNameCharacter(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
