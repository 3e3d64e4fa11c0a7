namespace CrmDb.Clr.Replication
{
    /// <summary>A SQL Server limit a declared field would make the replication pass (<see cref="ReplicationLimits"/>).</summary>
    public sealed class ReplicationLimitProblem
    {
        /// <summary>Creates a problem.</summary>
        public ReplicationLimitProblem(string limit, string figure, string message)
        {
            Limit = limit;
            Figure = figure;
            Message = message;
        }

        /// <summary>The limit: columns, row or statement.</summary>
        public string Limit { get; }

        /// <summary>The figure the field would reach (columns, bytes or characters), as the message writes it.</summary>
        public string Figure { get; }

        /// <summary>The French message, after « Paramètre X ignoré : ».</summary>
        public string Message { get; }
    }
}
