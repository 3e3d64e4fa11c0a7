using System;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// One declared replicated field: the Custom_SysParams parameter that declares it, the
    /// dbo.Account column it writes (its exact name, as sys.columns spells it), that column's
    /// type, and the GesCom expression evaluated per F_COMPTET row (alias G; #F_/#P_ tokens allowed).
    /// </summary>
    public sealed class ReplicationField
    {
        /// <summary>Creates a field; <see cref="ReplicationStatementBuilder"/> checks it.</summary>
        public ReplicationField(string parameterName, string column, string columnType, string expression)
            : this(parameterName, column, columnType, expression, string.Empty)
        {
        }

        /// <summary>Creates a field that carries the caller's key for it (dbo.MC_replicate's FieldNo), echoed in the CLR's answers.</summary>
        public ReplicationField(string parameterName, string column, string columnType, string expression, string key)
        {
            Key = key ?? throw new ArgumentNullException(nameof(key));
            ParameterName = parameterName ?? throw new ArgumentNullException(nameof(parameterName));
            Column = column ?? throw new ArgumentNullException(nameof(column));
            ColumnType = columnType ?? throw new ArgumentNullException(nameof(columnType));
            Expression = expression ?? throw new ArgumentNullException(nameof(expression));
        }

        /// <summary>The parameter name, REPLI_acc_&lt;x&gt;_repli.</summary>
        public string ParameterName { get; }

        /// <summary>The dbo.Account column written.</summary>
        public string Column { get; }

        /// <summary>The column's T-SQL type (see <see cref="ReplicationColumnType"/>).</summary>
        public string ColumnType { get; }

        /// <summary>The caller's key for the field (the list's optional "no" attribute), empty when none.</summary>
        public string Key { get; }

        /// <summary>The GesCom expression, as declared (tokens not yet expanded).</summary>
        public string Expression { get; }
    }
}
