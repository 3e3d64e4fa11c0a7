namespace CrmDb.Benchmarks;

/// <summary>One benchmark: a name, a line of help, and a run that prints its figures.</summary>
public interface IBenchmark
{
    /// <summary>The name given on the command line.</summary>
    string Name { get; }

    /// <summary>One line saying what it measures and its options.</summary>
    string Description { get; }

    /// <summary>Runs and prints figures to <paramref name="output"/>; returns the exit code.</summary>
    int Run(string[] args, TextWriter output);
}
