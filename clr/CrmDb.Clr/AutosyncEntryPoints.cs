using System.Collections;
using System.Collections.Generic;
using System.Data.SqlTypes;
using CrmDb.Clr.Autosync;
using Microsoft.SqlServer.Server;

namespace CrmDb.Clr
{
    /// <summary>
    /// The AUTOSYNC logic SQL Server binds to (wrappers generated from these attributes). The
    /// T-SQL runner gathers the catalog facts and runs statements; naming rules, ordering,
    /// parameter binding and statement text are decided here, in code the tests run.
    /// </summary>
    public static class AutosyncEntryPoints
    {
        /// <summary>The columns of dbo.MC_autosynchooks.</summary>
        public const string HookTable =
            "RunOrder int, SchemaName nvarchar(128), ProcedureName nvarchar(128), HookOrder nvarchar(128), Label nvarchar(128), "
            + "IsConforming bit, Reason nvarchar(max), Parameters nvarchar(max), Statement nvarchar(max), DisplayStatement nvarchar(max)";

        /// <summary>The columns of dbo.MC_execsqlplan.</summary>
        public const string ExecSqlTable =
            "Position int, Name nvarchar(128), TypeText nvarchar(4000), Wrapper nvarchar(max), ErrorMessage nvarchar(4000)";

        /// <summary>
        /// dbo.MC_autosynchooks(@procedures, @erpIntegrationId, @erpSyncStatus, @gesComBaseInt, @tokenAccount):
        /// one row per AUTOSYNC procedure described by the XML <paramref name="procedures"/>
        /// (see <see cref="HookCatalog.ParseXml"/>), in run order, with the statement that calls it
        /// (parameters: HookContract.StatementParameters, which dbo.MC_runautosync declares) and the same call with the values written out, or
        /// the reason it is not run. NULL values: listing only, nothing checked against values.
        /// </summary>
        [SqlFunction(Name = "MC_autosynchooks", FillRowMethodName = nameof(FillHookRow), TableDefinition = HookTable,
            IsDeterministic = true, IsPrecise = true, DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static IEnumerable AutosyncHooks(
            [SqlFacet(MaxSize = -1)] SqlString procedures,
            SqlInt32 erpIntegrationId,
            [SqlFacet(MaxSize = 10)] SqlString erpSyncStatus,
            [SqlFacet(MaxSize = 300)] SqlString gesComBaseInt,
            SqlInt32 tokenAccount)
        {
            var values = new HookValues(
                erpIntegrationId.IsNull ? (int?)null : erpIntegrationId.Value,
                erpSyncStatus.IsNull ? null : erpSyncStatus.Value,
                gesComBaseInt.IsNull ? null : gesComBaseInt.Value,
                tokenAccount.IsNull ? (int?)null : tokenAccount.Value);
            return HookCatalog.Plan(HookCatalog.ParseXml(procedures.IsNull ? null : procedures.Value), values);
        }

        /// <summary>Row filler of <see cref="AutosyncHooks"/>.</summary>
        public static void FillHookRow(
            object row,
            out SqlInt32 runOrder,
            out SqlString schemaName,
            out SqlString procedureName,
            out SqlString hookOrder,
            out SqlString label,
            out SqlBoolean isConforming,
            out SqlString reason,
            out SqlString parameters,
            out SqlString statement,
            out SqlString displayStatement)
        {
            var entry = (HookEntry)row;
            runOrder = entry.RunOrder;
            schemaName = entry.Schema;
            procedureName = entry.Name;
            hookOrder = entry.Order ?? SqlString.Null;
            label = entry.Label ?? SqlString.Null;
            isConforming = entry.IsConforming;
            reason = entry.Reason.Length == 0 ? SqlString.Null : new SqlString(entry.Reason);
            parameters = entry.Parameters;
            statement = entry.Statement ?? SqlString.Null;
            displayStatement = entry.Display ?? SqlString.Null;
        }

        /// <summary>
        /// dbo.MC_execsqlplan(@parameters): for dbo.MC_execsql, a row at Position 0 with the
        /// wrapper batch (parameters: ExecSqlBinding.WrapperParameters, which dbo.MC_execsql declares) or the ErrorMessage, then one row per
        /// declared parameter (Position, Name, TypeText).
        /// </summary>
        [SqlFunction(Name = "MC_execsqlplan", FillRowMethodName = nameof(FillExecSqlRow), TableDefinition = ExecSqlTable,
            IsDeterministic = true, IsPrecise = true, DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static IEnumerable ExecSqlPlan([SqlFacet(MaxSize = 4000)] SqlString parameters)
        {
            ExecSqlPlan plan = ExecSqlBinding.Plan(parameters.IsNull ? null : parameters.Value);
            var rows = new List<object[]>
            {
                new object[] { 0, SqlString.Null, SqlString.Null, ToSql(plan.Wrapper), ToSql(plan.Error) },
            };
            foreach (ExecSqlParameter parameter in plan.Parameters)
            {
                rows.Add(new object[] { parameter.Position, new SqlString(parameter.Name), new SqlString(parameter.Type), SqlString.Null, SqlString.Null });
            }

            return rows;
        }

        /// <summary>Row filler of <see cref="ExecSqlPlan"/>.</summary>
        public static void FillExecSqlRow(
            object row,
            out SqlInt32 position,
            out SqlString name,
            out SqlString typeText,
            out SqlString wrapper,
            out SqlString errorMessage)
        {
            var values = (object[])row;
            position = (int)values[0];
            name = (SqlString)values[1];
            typeText = (SqlString)values[2];
            wrapper = (SqlString)values[3];
            errorMessage = (SqlString)values[4];
        }

        private static SqlString ToSql(string? text) => text == null ? SqlString.Null : new SqlString(text);
    }
}
