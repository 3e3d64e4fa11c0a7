namespace CrmDb.Clr.Doctor
{
    /// <summary>
    /// What one check says about one object: a finding (the check's condition holds) or, when a
    /// fact it needs could not be read, a "cannot check" finding that names the missing right.
    /// Anomaly findings carry the count of rows and the query that lists them.
    /// </summary>
    public sealed class DoctorFinding
    {
        /// <summary>Creates a finding.</summary>
        public DoctorFinding(DoctorCheck check, string scope, string details, string? missingRight, long? rowCount, string? query)
        {
            Check = check;
            Scope = scope;
            Details = details;
            MissingRight = missingRight;
            RowCount = rowCount;
            Query = query;
        }

        /// <summary>The check of the catalogue.</summary>
        public DoctorCheck Check { get; }

        /// <summary>"server", "database:NAME", "integration:N".</summary>
        public string Scope { get; }

        /// <summary>The facts that decided, as "name = value" (language-neutral).</summary>
        public string Details { get; }

        /// <summary>Set on a "cannot check" finding: the right or object the caller lacks.</summary>
        public string? MissingRight { get; }

        /// <summary>Whether the check could not be made.</summary>
        public bool CannotCheck => MissingRight != null;

        /// <summary>The number of rows of an anomaly.</summary>
        public long? RowCount { get; }

        /// <summary>The query that lists the rows of an anomaly.</summary>
        public string? Query { get; }

        /// <summary>The check's priority: a check that could not be made weighs as much as its finding (never a silent pass).</summary>
        public int Priority => Check.Priority;
    }
}
