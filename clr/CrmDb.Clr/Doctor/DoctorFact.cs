namespace CrmDb.Clr.Doctor
{
    /// <summary>
    /// One fact read from the server by the doctor's fact batch (dbo.MC_doctor): a scope ("server",
    /// "database:CRM", "integration:1"), a name, its value as text (NULL: known to be empty, e.g.
    /// never backed up) or, when the caller may not read it, the right it lacks.
    /// </summary>
    public sealed class DoctorFact
    {
        /// <summary>Creates a fact.</summary>
        public DoctorFact(string scope, string name, string? value, string? missingRight)
        {
            Scope = scope;
            Name = name;
            Value = value;
            MissingRight = missingRight;
        }

        /// <summary>"server", "database:NAME", "integration:N".</summary>
        public string Scope { get; }

        /// <summary>The fact's name.</summary>
        public string Name { get; }

        /// <summary>The value as text; null when empty.</summary>
        public string? Value { get; }

        /// <summary>The right (or object) that reading it needs, when the caller lacks it.</summary>
        public string? MissingRight { get; }

        /// <summary>Whether the fact could be read.</summary>
        public bool IsReadable => MissingRight == null;
    }
}
