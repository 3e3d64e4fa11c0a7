using CrmDb.Runner.Cli;

namespace CrmDb.Tests.Infrastructure;

/// <summary>What one crmdb invocation printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs crmdb in-process, with its console captured, exactly as the command line would.</summary>
public static class CliRunner
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>Runs crmdb with <paramref name="args"/>, feeding <paramref name="input"/> on standard input.</summary>
    public static CliResult RunWithInput(string input, params string[] args) =>
        Run(new StringReader(input), null, args);

    /// <summary>Runs crmdb with raw bytes on standard input, as a redirected file would give them.</summary>
    public static CliResult RunWithInputBytes(byte[] input, params string[] args) =>
        Run(new StringReader(string.Empty), new MemoryStream(input), args);

    private static CliResult Run(TextReader input, Stream? inputBytes, string[] args)
    {
        // The CLI sets the UI culture of the process: keep runs from overlapping.
        OneAtATime.Wait();
        try
        {
            return RunLocked(input, inputBytes, args);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>
    /// Runs crmdb with <paramref name="environment"/> set for this run only (null removes a
    /// variable), inside the same lock, so that no other run sees it.
    /// </summary>
    public static CliResult RunWithEnvironment(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        OneAtATime.Wait();
        var saved = environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in environment)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            return RunLocked(new StringReader(string.Empty), null, args);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            OneAtATime.Release();
        }
    }

    /// <summary>Runs crmdb with no standard input.</summary>
    public static CliResult Run(params string[] args) => RunWithInput(string.Empty, args);

    private static CliResult RunLocked(TextReader input, Stream? inputBytes, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = CrmDbApp.RunAsync(args, new CliContext(input, output, error, IsInteractive: false) { InputBytes = inputBytes })
            .GetAwaiter().GetResult();
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
