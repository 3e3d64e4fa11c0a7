using System;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// The names of replicated-field parameters (docs/design.md decision 4): a Custom_SysParams row
    /// named <c>REPLI_acc_&lt;x&gt;_repli</c> declares the CRM column <c>acc_&lt;x&gt;_repli</c>
    /// of dbo.Account, <c>&lt;x&gt;</c> being letters, digits and '_'.
    /// </summary>
    public static class ReplicationParameter
    {
        /// <summary>What precedes the column name in a parameter name.</summary>
        public const string Prefix = "REPLI_";

        /// <summary>
        /// The LIKE pattern that selects the parameters in Custom_SysParams, '_' escaped (an
        /// unescaped '_' matches any character).
        /// </summary>
        public const string LikePattern = "REPLI[_]acc[_]%[_]repli";

        private const string ColumnStart = "acc_";
        private const string ColumnEnd = "_repli";

        /// <summary>
        /// The CRM column a parameter declares, or null when the name is not
        /// <c>REPLI_acc_&lt;x&gt;_repli</c>. The prefix and suffix are matched ignoring case, as
        /// the CRM database (French_CI_AS) does; the column keeps the case written.
        /// </summary>
        public static string? ColumnOf(string? parameterName)
        {
            if (parameterName == null
                || !parameterName.StartsWith(Prefix + ColumnStart, StringComparison.OrdinalIgnoreCase)
                || !parameterName.EndsWith(ColumnEnd, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            string column = parameterName.Substring(Prefix.Length);
            int middleLength = column.Length - ColumnStart.Length - ColumnEnd.Length;
            if (middleLength <= 0 || column.Length > SqlName.MaxLength)
            {
                return null;
            }

            for (int i = ColumnStart.Length; i < ColumnStart.Length + middleLength; i++)
            {
                if (!IsNameChar(column[i]))
                {
                    return null;
                }
            }

            return column;
        }

        private static bool IsNameChar(char c) =>
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
}
