using System.Data.SqlTypes;
using Microsoft.SqlServer.Server;

namespace CrmDb.Clr
{
    /// <summary>
    /// The methods SQL Server binds to. Their T-SQL wrappers are generated from these attributes
    /// at build time (clr/CrmDb.Clr.Deployment), never written by hand. Each one only adapts
    /// SQL types to the pure functions of this assembly.
    /// </summary>
    public static class SqlEntryPoints
    {
        /// <summary>
        /// dbo.MC_expandtokens(@sql, @server, @database): the text with every #F_x# / #P_x# token
        /// replaced by the GesCom table's name. NULL text gives NULL.
        /// </summary>
        [return: SqlFacet(MaxSize = -1)]
        [SqlFunction(Name = "MC_expandtokens", IsDeterministic = false, IsPrecise = true,
            DataAccess = DataAccessKind.Read, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString ExpandTokens(
            [SqlFacet(MaxSize = -1)] SqlString sql,
            [SqlFacet(MaxSize = 128)] SqlString server,
            [SqlFacet(MaxSize = 128)] SqlString database)
        {
            if (sql.IsNull)
            {
                return SqlString.Null;
            }

            GesComLocation location = GesComLocation.Create(
                server.IsNull ? null : server.Value,
                database.IsNull ? null : database.Value,
                LocalServer.Name());
            return new SqlString(TokenExpander.Expand(sql.Value, location));
        }

        /// <summary>
        /// dbo.MC_gescomqualifier(@server, @database): <c>[server].[database]</c>, or
        /// <c>[database]</c> on the same instance (the hooks' @GesComBaseInt).
        /// </summary>
        [return: SqlFacet(MaxSize = 300)]
        [SqlFunction(Name = "MC_gescomqualifier", IsDeterministic = false, IsPrecise = true,
            DataAccess = DataAccessKind.Read, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString GesComQualifier(
            [SqlFacet(MaxSize = 128)] SqlString server,
            [SqlFacet(MaxSize = 128)] SqlString database)
        {
            return new SqlString(GesComLocation.Create(
                server.IsNull ? null : server.Value,
                database.IsNull ? null : database.Value,
                LocalServer.Name()).Qualifier);
        }
    }
}
