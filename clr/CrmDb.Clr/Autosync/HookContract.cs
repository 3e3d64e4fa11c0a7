namespace CrmDb.Clr.Autosync
{
    /// <summary>The four values a hook may receive (docs/design.md decision 1).</summary>
    public enum HookArgument
    {
        /// <summary>@ErpIntegrationID int: the integration whose cycle ended.</summary>
        IntegrationId,

        /// <summary>@ErpSyncStatus nvarchar(10) (alias @ErpSymsStatus): success, fail or warning.</summary>
        SyncStatus,

        /// <summary>@GesComBaseInt nvarchar(300): the quoted GesCom qualifier.</summary>
        GesComBaseInt,

        /// <summary>@tokenAccount int: the replication watermark at which the cycle started.</summary>
        TokenAccount,
    }

    /// <summary>
    /// The contract between dbo.MC_runautosync and the AUTOSYNC_ hooks: the names a hook may
    /// declare, the runner's own variables that carry the values, and the parameter list of the
    /// statements the runner executes through sp_executesql.
    /// </summary>
    public static class HookContract
    {
        /// <summary>Every hook's name starts with this prefix (compared case-insensitively).</summary>
        public const string Prefix = "AUTOSYNC_";

        /// <summary>The integration's identifier.</summary>
        public const string IntegrationId = "@ErpIntegrationID";

        /// <summary>The cycle's status.</summary>
        public const string SyncStatus = "@ErpSyncStatus";

        /// <summary>The seed's spelling of <see cref="SyncStatus"/>; a hook declaring it gets the same value.</summary>
        public const string SyncStatusAlias = "@ErpSymsStatus";

        /// <summary>The GesCom qualifier.</summary>
        public const string GesComBaseInt = "@GesComBaseInt";

        /// <summary>The replication watermark.</summary>
        public const string TokenAccount = "@tokenAccount";

        /// <summary>The longest status ('success', 'warning').</summary>
        public const int LongestStatus = 7;

        /// <summary>The longest int written as text ('-2147483648').</summary>
        public const int LongestIntText = 11;

        /// <summary>
        /// The parameters of every statement dbo.MC_runautosync runs (the replication step and
        /// each hook's EXEC): the cycle's values in, the step's outcome out.
        /// </summary>
        public const string StatementParameters =
            "@ErpIntegrationID int, @ErpSyncStatus nvarchar(10), @GesComBaseInt nvarchar(300), @tokenAccount int, "
            + "@Trace bit, @ReturnCode int OUTPUT, @RowsChanged int OUTPUT, @NewToken int OUTPUT";

        /// <summary>The contract's list of names, as shown in messages.</summary>
        public const string NamesText = "@ErpIntegrationID, @ErpSyncStatus (ou @ErpSymsStatus), @GesComBaseInt, @tokenAccount";

        /// <summary>Which value a parameter of this name receives, or null when the name is not in the contract.</summary>
        public static HookArgument? ArgumentFor(string parameterName)
        {
            if (Same(parameterName, IntegrationId))
            {
                return HookArgument.IntegrationId;
            }

            if (Same(parameterName, SyncStatus) || Same(parameterName, SyncStatusAlias))
            {
                return HookArgument.SyncStatus;
            }

            if (Same(parameterName, GesComBaseInt))
            {
                return HookArgument.GesComBaseInt;
            }

            if (Same(parameterName, TokenAccount))
            {
                return HookArgument.TokenAccount;
            }

            return null;
        }

        /// <summary>The runner's variable (in <see cref="StatementParameters"/>) that carries <paramref name="argument"/>.</summary>
        public static string SourceVariable(HookArgument argument)
        {
            switch (argument)
            {
                case HookArgument.IntegrationId:
                    return IntegrationId;
                case HookArgument.SyncStatus:
                    return SyncStatus;
                case HookArgument.GesComBaseInt:
                    return GesComBaseInt;
                default:
                    return TokenAccount;
            }
        }

        /// <summary>The T-SQL type of the runner's variable that carries <paramref name="argument"/>.</summary>
        public static string SourceType(HookArgument argument)
        {
            switch (argument)
            {
                case HookArgument.SyncStatus:
                    return "nvarchar(10)";
                case HookArgument.GesComBaseInt:
                    return "nvarchar(300)";
                default:
                    return "int";
            }
        }

        // Parameter names follow the database collation, which is case-insensitive for Sage CRM;
        // binding is by name whatever the case, and the EXEC text uses the hook's own spelling.
        private static bool Same(string a, string b) => string.Equals(a, b, System.StringComparison.OrdinalIgnoreCase);
    }
}
