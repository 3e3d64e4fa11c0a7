using System.Diagnostics;
using System.Globalization;
using CrmDb.Clr;
using CrmDb.Clr.Replication;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Benchmarks;

/// <summary>
/// REPLI_acc_*_repli replication (docs/replication.md): how fast the one statement is built for
/// 1, 10, 100 and 1,000 declared fields, how many statements a cycle sends to the engine (counted by
/// parsing what is sent): one sp_executesql batch per integration, with one UPDATE, whatever the
/// number of fields; the size of each text sent and whether the fields stay within SQL Server's
/// limits (ReplicationLimits); and what validation costs: compilations
/// (sys.dm_exec_describe_first_result_set) per cycle without and with the validation fingerprint,
/// and the time of the fingerprints that replace them.
/// </summary>
public sealed class ReplicationBenchmark : IBenchmark
{
    private static readonly int[] FieldCounts = [1, 10, 100, 1000];

    public string Name => "replication";

    public string Description => "statement building for 1/10/100/1000 REPLI fields, statements and text sizes per cycle, validation cost with and without the fingerprint [--seconds N]";

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

        output.WriteLine();
        output.WriteLine("Texts sent per cycle and integration (characters; UTF-16 bytes = 2 x characters), and SQL Server's limits");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(ReplicationLimits: {ReplicationLimits.MaxFields:N0} fields, {ReplicationLimits.MaxBytesPerRow:N0} bytes per row, {ReplicationLimits.MaxStatementCharacters:N0} characters per statement)"));
        output.WriteLine($"{"fields",6} {"type",13} {"metadata",9} {"columns",8} {"read",10} {"write",10} {"row bytes",10} {"within limits",14} {"refused for",12}");
        foreach (int count in FieldCounts)
        {
            foreach (string type in new[] { "nvarchar(69)", "int" })
            {
                var fields = Fields(count, type);
                var limits = ReplicationLimits.Check(location, fields);
                int within = limits.Count(p => p is null);
                string refusedFor = string.Join(",", limits.Where(p => p is not null).Select(p => p!.Limit).Distinct());
                int rowBytes = ReplicationLimits.SourceRowBytes(fields.Select(f => ReplicationColumnType.Parse(f.ColumnType)!));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{count,6} {type,13} {ReplicationCatalog.BuildGesComRead(location).Length,9:N0} {ReplicationStatementBuilder.BuildColumns(fields).Length,8:N0} {ReplicationStatementBuilder.BuildRead(location, fields).Length,10:N0} {ReplicationStatementBuilder.BuildWrite(fields).Length,10:N0} {rowBytes,10:N0} {within,14:N0} {(refusedFor.Length == 0 ? "-" : refusedFor),12}"));
            }
        }

        output.WriteLine();
        output.WriteLine("Validation per cycle: compilations (sys.dm_exec_describe_first_result_set) without and with the fingerprint,");
        output.WriteLine("and the time of computing the fingerprints (ReplicationFingerprint over a 150-column F_COMPTET; minimum wall time of 5 repetitions)");
        output.WriteLine($"{"fields",6} {"without",8} {"1st cycle",10} {"unchanged",10} {"1 value changed",16} {"F_COMPTET changed",18} {"us fingerprints",16}");
        string engine = "16.0.4135.4|160|French_CI_AS|sync";
        string functions = "<functions><p function=\"[dbo].[FCT_condpaiement]\" id=\"77\" type=\"FN\" modified=\"2026-11-30T10:00:00\" no=\"0\" system=\"231\" user=\"231\" length=\"-1\" precision=\"0\" scale=\"0\" output=\"1\"/></functions>";
        var catalog = ReplicationCatalog.Parse(GesComCatalog(150), functions);
        var changedCatalog = ReplicationCatalog.Parse(GesComCatalog(151), functions);
        foreach (int count in FieldCounts)
        {
            var fields = Fields(count);
            var store = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
            int first = Cycle(location, fields, engine, catalog, store);
            int unchanged = Cycle(location, fields, engine, catalog, store);
            var oneChanged = fields.Select((f, i) => i == 0 ? new ReplicationField(f.ParameterName, f.Column, f.ColumnType, f.Expression + " ") : f).ToList();
            int valueChanged = Cycle(location, oneChanged, engine, catalog, store);
            int tableChanged = Cycle(location, oneChanged, engine, changedCatalog, store);
            double best = double.MaxValue;
            for (int repetition = 0; repetition < 5; repetition++)
            {
                var clock = Stopwatch.StartNew();
                foreach (ReplicationField field in fields)
                {
                    ReplicationFingerprint.Compute(location, field, engine, catalog);
                }

                best = Math.Min(best, clock.Elapsed.TotalMilliseconds * 1000);
            }

            // Without the fingerprint every field is compiled every cycle (plus F_COMPTET itself).
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count,6} {count + 1,8} {first,10} {unchanged,10} {valueChanged,16} {tableChanged,18} {best,16:N0}"));
        }

        return 0;
    }

    /// <summary>One cycle's decisions: the fields whose fingerprint differs from the stored one are compiled (and stored).</summary>
    private static int Cycle(GesComLocation location, List<ReplicationField> fields, string engine, ReplicationCatalog catalog, Dictionary<string, byte[]> store)
    {
        int compiled = 0;
        foreach (ReplicationField field in fields)
        {
            byte[] fingerprint = ReplicationFingerprint.Compute(location, field, engine, catalog);
            if (!ReplicationFingerprint.Unchanged(store.GetValueOrDefault(field.ParameterName), fingerprint))
            {
                compiled++;
                store[field.ParameterName] = fingerprint;
            }
        }

        return compiled;
    }

    /// <summary>GesCom's catalog as the metadata read returns it: F_COMPTET with that many columns, F_COMPTETG with two.</summary>
    private static string GesComCatalog(int comptetColumns)
    {
        var text = new System.Text.StringBuilder("<gescom>");
        for (int i = 1; i <= comptetColumns; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"<c table=\"F_COMPTET\" id=\"901\" type=\"U \" no=\"{i}\" name=\"CT_Col{i}\" system=\"167\" user=\"167\" length=\"35\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"1\" computed=\"0\"/>");
        }

        text.Append("<c table=\"F_COMPTETG\" id=\"902\" type=\"U \" no=\"1\" name=\"CT_Num\" system=\"167\" user=\"167\" length=\"17\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"0\" computed=\"0\"/>");
        text.Append("<c table=\"F_COMPTETG\" id=\"902\" type=\"U \" no=\"2\" name=\"CG_Num\" system=\"167\" user=\"167\" length=\"13\" precision=\"0\" scale=\"0\" collation=\"Latin1_General_CI_AS\" nullable=\"1\" computed=\"0\"/>");
        return text.Append("</gescom>").ToString();
    }

    /// <summary>The guide's three kinds of values, in turn: a column, a scalar subquery, a function call.</summary>
    private static List<ReplicationField> Fields(int count, string type = "nvarchar(69)")
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
            fields.Add(new ReplicationField("REPLI_" + column, column, type, expression));
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
