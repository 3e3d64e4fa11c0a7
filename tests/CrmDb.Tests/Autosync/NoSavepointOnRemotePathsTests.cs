using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Autosync;

/// <summary>
/// Issue 11, item 1: no SAVE TRANSACTION on any path that may read or write through a linked
/// server. A transaction holding a savepoint cannot be promoted to a distributed one (Msg 3933),
/// and SAVE TRANSACTION is refused inside one (Msg 627) ("SAVE TRANSACTION (Transact-SQL)",
/// learn.microsoft.com/sql/t-sql/language-elements/save-transaction-transact-sql). The paths
/// start where remote work can happen: the cycle (MC_runautosync, MC_traceautosync, each step),
/// a hook's statements (MC_execsql) and the replication (MC_replicate). Every procedure of
/// database/dbo they reach by EXEC is followed, so that a savepoint cannot hide in a helper.
/// </summary>
public sealed class NoSavepointOnRemotePathsTests
{
    private static readonly string[] RemoteEntryPoints = ["MC_runautosync", "MC_traceautosync", "MC_runautosyncstep", "MC_execsql", "MC_replicate"];

    [Fact]
    public void No_procedure_reachable_from_a_remote_path_takes_a_savepoint()
    {
        var procedures = Procedures(Directory.GetFiles(Repository.PathOf("database", "dbo", "StoredProcedures"), "*.sql")
            .Select(File.ReadAllText));

        var reached = Reachable(procedures, RemoteEntryPoints);

        Assert.Superset(RemoteEntryPoints.ToHashSet(StringComparer.OrdinalIgnoreCase), reached);
        var offenders = reached.Where(name => SqlParsing.All<SaveTransactionStatement>(procedures[name]).Count > 0).ToList();
        Assert.True(offenders.Count == 0, "SAVE TRANSACTION on a remote path: " + string.Join(", ", offenders));
        // The one procedure that keeps the own-transaction-or-savepoint shape is off these paths.
        Assert.DoesNotContain("MC_setsysparams", reached, StringComparer.OrdinalIgnoreCase);
        Assert.NotEmpty(SqlParsing.All<SaveTransactionStatement>(procedures["MC_setsysparams"]));
    }

    [Fact]
    public void A_savepoint_in_a_helper_called_from_a_remote_path_is_found()
    {
        var procedures = Procedures([
            "CREATE PROCEDURE dbo.MC_execsql AS BEGIN EXEC dbo.MC_helper; END;",
            "CREATE PROCEDURE dbo.MC_helper AS BEGIN SAVE TRANSACTION x; EXEC dbo.MC_other @a = 1; END;",
            "CREATE PROCEDURE dbo.MC_other @a int AS RETURN 0;",
            "CREATE PROCEDURE dbo.MC_unrelated AS SAVE TRANSACTION y;",
        ]);

        var reached = Reachable(procedures, ["MC_execsql"]);

        Assert.Equal(["MC_execsql", "MC_helper", "MC_other"], reached.Order(StringComparer.Ordinal));
        Assert.Equal(["MC_helper"], reached.Where(name => SqlParsing.All<SaveTransactionStatement>(procedures[name]).Count > 0));
    }

    private static Dictionary<string, TSqlFragment> Procedures(IEnumerable<string> scripts)
    {
        var procedures = new Dictionary<string, TSqlFragment>(StringComparer.OrdinalIgnoreCase);
        foreach (string script in scripts)
        {
            foreach (var procedure in SqlParsing.All<CreateProcedureStatement>(SqlParsing.Parse(script)))
            {
                procedures[procedure.ProcedureReference.Name.BaseIdentifier.Value] = procedure;
            }
        }

        return procedures;
    }

    /// <summary>The procedures of <paramref name="procedures"/> that <paramref name="starts"/> reach by EXEC (themselves included).</summary>
    private static HashSet<string> Reachable(Dictionary<string, TSqlFragment> procedures, IEnumerable<string> starts)
    {
        var reached = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(starts);
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (!procedures.TryGetValue(name, out TSqlFragment? body) || !reached.Add(name))
            {
                continue;
            }

            foreach (var call in SqlParsing.All<ExecutableProcedureReference>(body))
            {
                string? callee = call.ProcedureReference?.ProcedureReference?.Name?.BaseIdentifier?.Value;
                if (callee is not null)
                {
                    pending.Push(callee);
                }
            }
        }

        return reached;
    }
}
