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

        /// <summary>
        /// dbo.MC_issysparamname(@name): 1 when the name is 1..100 ASCII letters, digits or
        /// <c>_</c> (<see cref="SysParamName"/>), else 0; NULL gives 0.
        /// </summary>
        [SqlFunction(Name = "MC_issysparamname", IsDeterministic = true, IsPrecise = true,
            DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlBoolean IsSysParamName([SqlFacet(MaxSize = -1)] SqlString name)
        {
            return new SqlBoolean(!name.IsNull && SysParamName.IsValid(name.Value));
        }

        /// <summary>
        /// dbo.MC_moduleedition(@flags): the edition's name for an MC_modules value
        /// (<see cref="Modules.EditionName"/>); NULL for NULL or a value outside 0..7.
        /// </summary>
        [return: SqlFacet(MaxSize = 100)]
        [SqlFunction(Name = "MC_moduleedition", IsDeterministic = true, IsPrecise = true,
            DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString ModuleEdition(SqlInt32 flags)
        {
            if (flags.IsNull || !Modules.IsValid(flags.Value))
            {
                return SqlString.Null;
            }

            return new SqlString(Modules.EditionName(flags.Value));
        }

        /// <summary>
        /// dbo.MC_modulesvalue(@value): the MC_modules number a text stands for, when it is a valid
        /// new value (<see cref="Modules.TryParseValue"/>: ASCII digits, 0..7); otherwise NULL.
        /// </summary>
        [SqlFunction(Name = "MC_modulesvalue", IsDeterministic = true, IsPrecise = true,
            DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlInt32 ModulesValue([SqlFacet(MaxSize = -1)] SqlString value)
        {
            if (!value.IsNull && Modules.TryParseValue(value.Value, out int flags))
            {
                return new SqlInt32(flags);
            }

            return SqlInt32.Null;
        }
    }
}
