using System.Data;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Backup;

/// <summary>
/// The synchronisation cycle locks a pair backup holds: for each integration the application lock
/// CrmDb.MC_runautosync.&lt;id&gt; that dbo.MC_runautosync takes (Exclusive, owner Session, in the CRM
/// database), taken on one CRM session for the pair's duration and released on Dispose.
/// </summary>
public sealed class CycleLocks : IDisposable
{
    private readonly SqlConnection connection;
    private readonly List<string> taken = [];

    private CycleLocks(SqlConnection connection) => this.connection = connection;

    /// <summary>The lock of integration <paramref name="id"/>, as dbo.MC_runautosync names it.</summary>
    public static string ResourceName(int id) => "CrmDb.MC_runautosync." + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Takes every lock, waiting at most <paramref name="timeoutSeconds"/> for each. On a refusal the
    /// locks already taken are released and <paramref name="refusedId"/> names the integration.
    /// </summary>
    public static CycleLocks? Take(SqlConnection connection, IEnumerable<int> integrationIds, int timeoutSeconds, out int refusedId)
    {
        var locks = new CycleLocks(connection);
        refusedId = 0;
        foreach (int id in integrationIds.Distinct().Order())
        {
            using var command = new SqlCommand("sys.sp_getapplock", connection) { CommandType = CommandType.StoredProcedure, CommandTimeout = 0 };
            command.Parameters.AddWithValue("@Resource", ResourceName(id));
            command.Parameters.AddWithValue("@LockMode", "Exclusive");
            command.Parameters.AddWithValue("@LockOwner", "Session");
            command.Parameters.AddWithValue("@LockTimeout", timeoutSeconds >= int.MaxValue / 1000 ? int.MaxValue : timeoutSeconds * 1000);
            var result = command.Parameters.Add("@Result", SqlDbType.Int);
            result.Direction = ParameterDirection.ReturnValue;
            command.ExecuteNonQuery();
            if ((int)result.Value < 0)
            {
                refusedId = id;
                locks.Dispose();
                return null;
            }

            locks.taken.Add(ResourceName(id));
        }

        return locks;
    }

    /// <summary>Who holds integration <paramref name="id"/>'s cycle: the running row of dbo.MC_AutosyncRun, or null.</summary>
    public static string? RunningCycle(SqlConnection connection, int id)
    {
        const string Sql = """
            IF OBJECT_ID(N'dbo.MC_AutosyncRun', N'U') IS NOT NULL
                SELECT TOP (1) CONCAT(r.RunID, N'|', CONVERT(nvarchar(23), r.StartTime, 121), N'|', r.LoginName, N'|', r.HostName)
                FROM dbo.MC_AutosyncRun AS r
                WHERE r.ErpIntegrationID = @ID AND r.Status = N'Running'
                ORDER BY r.RunID DESC;
            """;
        using var command = new SqlCommand(Sql, connection);
        command.Parameters.AddWithValue("@ID", id);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Releases every lock taken (a lock the server already dropped is no error).</summary>
    public void Dispose()
    {
        foreach (string resource in taken)
        {
            try
            {
                using var command = new SqlCommand("sys.sp_releaseapplock", connection) { CommandType = CommandType.StoredProcedure };
                command.Parameters.AddWithValue("@Resource", resource);
                command.Parameters.AddWithValue("@LockOwner", "Session");
                command.ExecuteNonQuery();
            }
            catch (SqlException)
            {
                // The session's end releases it anyway; the backup's own outcome matters more.
            }
            catch (InvalidOperationException)
            {
                // The connection is already closed: its session, and the lock, are gone.
            }
        }

        taken.Clear();
    }
}
