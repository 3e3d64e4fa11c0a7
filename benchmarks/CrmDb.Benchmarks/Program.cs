using CrmDb.Benchmarks;

// One line per benchmark; each lives in its own file.
IBenchmark[] benchmarks =
[
    new ReplicationBenchmark(),
    new SplitterBenchmark(),
    new CliBenchmark(),
];

if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("usage: dotnet run --project benchmarks/CrmDb.Benchmarks -c Release -- <name> [options]");
    foreach (var benchmark in benchmarks)
    {
        Console.WriteLine($"  {benchmark.Name,-14} {benchmark.Description}");
    }

    return args.Length == 0 ? 2 : 0;
}

var selected = benchmarks.FirstOrDefault(b => string.Equals(b.Name, args[0], StringComparison.OrdinalIgnoreCase));
if (selected is null)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; `list` names them.");
    return 2;
}

return selected.Run(args[1..], Console.Out);
