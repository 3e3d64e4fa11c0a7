using System.Collections;
using System.Data.SqlTypes;
using Microsoft.SqlServer.Server;

namespace CrmDb.Clr.Doctor
{
    /// <summary>
    /// dbo.MC_doctorfindings, which dbo.MC_doctor calls with the facts its batch read (wrapper
    /// generated from the attribute). The decisions are <see cref="DoctorRules"/>, the code
    /// crmdb doctor runs.
    /// </summary>
    public static class DoctorEntryPoints
    {
        /// <summary>The columns of dbo.MC_doctorfindings.</summary>
        public const string FindingTable =
            "Priority int, CheckId nvarchar(10), Area nvarchar(20), Scope nvarchar(300), CannotCheck bit, Finding nvarchar(400), "
            + "Details nvarchar(max), MissingRight nvarchar(400), RowsFound bigint, DetailsQuery nvarchar(max), Fix nvarchar(max), Url nvarchar(400)";

        /// <summary>
        /// dbo.MC_doctorfindings(@facts, @english): one row per finding for the facts
        /// (<c>&lt;facts&gt;&lt;f s="" n="" v="" r=""/&gt;…</c>, see <see cref="DoctorFacts.ParseXml"/>), by
        /// priority; texts in French, in English when @english = 1.
        /// </summary>
        [SqlFunction(Name = "MC_doctorfindings", FillRowMethodName = nameof(FillFindingRow), TableDefinition = FindingTable,
            IsDeterministic = true, IsPrecise = true, DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static IEnumerable DoctorFindings([SqlFacet(MaxSize = -1)] SqlString facts, SqlBoolean english)
        {
            bool inEnglish = !english.IsNull && english.Value;
            var rows = new ArrayList();
            foreach (DoctorFinding finding in DoctorRules.Evaluate(DoctorFacts.ParseXml(facts.IsNull ? null : facts.Value)))
            {
                rows.Add(new object[] { finding, inEnglish });
            }

            return rows;
        }

        /// <summary>Row filler of <see cref="DoctorFindings"/>.</summary>
        public static void FillFindingRow(
            object row,
            out SqlInt32 priority,
            out SqlString checkId,
            out SqlString area,
            out SqlString scope,
            out SqlBoolean cannotCheck,
            out SqlString finding,
            out SqlString details,
            out SqlString missingRight,
            out SqlInt64 rowsFound,
            out SqlString detailsQuery,
            out SqlString fix,
            out SqlString url)
        {
            var values = (object[])row;
            var item = (DoctorFinding)values[0];
            bool english = (bool)values[1];
            priority = item.Priority;
            checkId = item.Check.Id;
            area = item.Check.Area;
            scope = item.Scope;
            cannotCheck = item.CannotCheck;
            finding = item.Check.Title(english);
            details = item.Details.Length == 0 ? SqlString.Null : new SqlString(item.Details);
            missingRight = item.MissingRight == null ? SqlString.Null : new SqlString(item.MissingRight);
            rowsFound = item.RowCount == null ? SqlInt64.Null : new SqlInt64(item.RowCount.Value);
            detailsQuery = item.Query == null ? SqlString.Null : new SqlString(item.Query);
            fix = item.Check.Fix(english);
            url = item.Check.Url;
        }
    }
}
