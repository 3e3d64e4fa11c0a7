using System.Diagnostics;
using System.Globalization;
using CrmDb.Clr;
using CrmDb.Clr.Replication;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Benchmarks;

/// <summary>
/// REPLI_acc_*_repli replication (docs/replication.md): how fast the one statement is built for
/// 1, 10, 100 and 1,000 declared fields, and how many statements a cycle sends to the engine (counted by
/// parsing what is sent): one sp_executesql batch per integration, with one UPDATE, whatever the
/// number of fields.
/// </summary>
public sealed class ReplicationBenchmark : IBenchmark
{
    private static readonly int[] FieldCounts = [1, 10, 100, 1000];

    public string Name => "replication";

    public string Description => "statement building for 1/10/100/1000 REPLI fields, statements sent per cycle [--seconds N]";

    public int Run(string[] args, TextWriter output)
    {
        double seconds = 1;
        if (args.Length == 2 && args[0] == "--seconds" && double.TryParse(args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0)
        {
            seconds = s;
        }
        else if (args.Length != 0)
        {
            Console.Error.WriteLine("usage: replication [--seconds N]  (N > 0, default 1: measuring time per field count)");
            return 2;
        }

        var location = GesComLocation.Create(string.Empty, "BIJOU", null);
        output.WriteLine("Replication statement building (ReplicationStatementBuilder.Build, what dbo.MC_replistatement runs)");
        output.WriteLine($"{"fields",6} {"builds/s",12} {"us/build",10} {"KB alloc/build",15} {"chars",8}");
        foreach (int count in FieldCounts)
        {
            var fields = Fields(count);
            string statement = ReplicationStatementBuilder.Build(location, fields); // warm-up, and the size
            long builds = 0;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                for (int i = 0; i < 100; i++)
                {
                    ReplicationStatementBuilder.Build(location, fields);
                }

                builds += 100;
            }

            clock.Stop();
            double allocatedKb = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1024.0 / builds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count,6} {builds / clock.Elapsed.TotalSeconds,12:N0} {clock.Elapsed.TotalMilliseconds * 1000 / builds,10:N2} {allocatedKb,15:N1} {statement.Length,8:N0}"));
        }

        output.WriteLine();
        output.WriteLine("Statements sent per cycle (parsed from the text sent; per integration: one sp_executesql batch)");
        output.WriteLine($"{"fields",6} {"integrations",13} {"batches",8} {"statements",11} {"UPDATEs",8} {"UPDATEs if one per field",25}");
        foreach (int count in FieldCounts)
        {
            foreach (int integrations in new[] { 1, 2 })
            {
                int batches = 0, statements = 0, updates = 0;
                for (int i = 0; i < integrations; i++)
                {
                    // Each integration reads its own GesCom database: one statement each.
                    string sql = ReplicationStatementBuilder.Build(GesComLocation.Create(string.Empty, "GESCOM" + i, null), Fields(count));
                    var (parsedStatements, parsedUpdates) = Count(sql);
                    batches++;
                    statements += parsedStatements;
                    updates += parsedUpdates;
                }

                output.WriteLine($"{count,6} {integrations,13} {batches,8} {statements,11} {updates,8} {count * integrations,25}");
            }
        }

        return 0;
    }

    /// <summary>The guide's three kinds of values, in turn: a column, a scalar subquery, a function call.</summary>
    private static List<ReplicationField> Fields(int count)
    {
        var fields = new List<ReplicationField>(count);
        for (int i = 1; i <= count; i++)
        {
            string column = "acc_f" + i.ToString(CultureInfo.InvariantCulture) + "_repli";
            string expression = (i % 3) switch
            {
                1 => "[CT_NumPayeur]",
                2 => "(SELECT TOP (1) T.CG_Num FROM #F_COMPTETG# AS T WHERE T.CT_Num = G.CT_Num ORDER BY T.CG_Num)",
                _ => "dbo.FCT_condpaiement(CT_Num)",
            };
            fields.Add(new ReplicationField("REPLI_" + column, column, "nvarchar(69)", expression));
        }

        return fields;
    }

    private static (int Statements, int Updates) Count(string sql)
    {
        var parser = new TSql140Parser(initialQuotedIdentifiers: true);
        var script = (TSqlScript)parser.Parse(new StringReader(sql), out IList<ParseError> errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The generated statement does not parse: " + errors[0].Message);
        }

        var batch = script.Batches.Single();
        return (batch.Statements.Count, batch.Statements.OfType<UpdateStatement>().Count());
    }
}
