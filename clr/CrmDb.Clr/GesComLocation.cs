using System;

namespace CrmDb.Clr
{
    /// <summary>
    /// Where an integration's GesCom database lives, and the name prefix that reaches it
    /// (docs/design.md decision 3): three-part on the same instance, four-part through a linked server.
    /// </summary>
    public sealed class GesComLocation
    {
        private static readonly string[] LocalAliases = { string.Empty, ".", "(local)", "localhost" };

        private GesComLocation(string server, string database, bool isLocal)
        {
            Server = server;
            Database = database;
            IsLocal = isLocal;
        }

        /// <summary>The GesCom server as recorded on the integration, trimmed.</summary>
        public string Server { get; }

        /// <summary>The GesCom database name.</summary>
        public string Database { get; }

        /// <summary>True when GesCom is on the CRM's own instance.</summary>
        public bool IsLocal { get; }

        /// <summary>
        /// <c>[server].[database]</c>, or <c>[database]</c> on the same instance: the value that
        /// AUTOSYNC hooks receive as <c>@GesComBaseInt</c>.
        /// </summary>
        public string Qualifier => IsLocal
            ? SqlName.Quote(Database)
            : SqlName.Quote(Server) + "." + SqlName.Quote(Database);

        /// <summary>
        /// Builds a location. <paramref name="localServerName"/> is the CRM instance's own name
        /// (@@SERVERNAME); a server equal to it, case-insensitively, is local.
        /// </summary>
        public static GesComLocation Create(string? server, string? database, string? localServerName)
        {
            if (database == null || database.Trim().Length == 0)
            {
                throw new ArgumentException(
                    "The GesCom database name is missing: give the database of the integration's Gestion commerciale.",
                    nameof(database));
            }

            string trimmedServer = (server ?? string.Empty).Trim();
            string trimmedDatabase = database.Trim();
            bool isLocal = IsLocalServer(trimmedServer, localServerName);

            // Validate lengths now, so that a bad name fails here and not halfway through a text.
            SqlName.Quote(trimmedDatabase);
            if (!isLocal)
            {
                SqlName.Quote(trimmedServer);
            }

            return new GesComLocation(trimmedServer, trimmedDatabase, isLocal);
        }

        private static bool IsLocalServer(string server, string? localServerName)
        {
            foreach (string alias in LocalAliases)
            {
                if (string.Equals(server, alias, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return localServerName != null
                && string.Equals(server, localServerName.Trim(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
