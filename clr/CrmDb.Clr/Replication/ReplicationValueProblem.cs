namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// Why a REPLI value is refused: the rule it breaks (a stable identifier that crmdb
    /// translates), the offending part of the text, and the reason in French (what
    /// MC_setsysparams and MC_replicate show).
    /// </summary>
    public sealed class ReplicationValueProblem
    {
        /// <summary>Creates a problem.</summary>
        public ReplicationValueProblem(string rule, string part, string message)
        {
            Rule = rule;
            Part = part;
            Message = message;
        }

        /// <summary>
        /// The rule: empty, lexical, syntax, one-expression, variable, name-parts, table, rowset,
        /// function, statement or type (docs/security.md lists them).
        /// </summary>
        public string Rule { get; }

        /// <summary>The offending part of the value (a token, or the whole value for empty and lexical).</summary>
        public string Part { get; }

        /// <summary>The reason, in French, naming the part.</summary>
        public string Message { get; }
    }
}
