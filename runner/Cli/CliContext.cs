namespace CrmDb.Runner.Cli;

/// <summary>
/// The console a command talks to. Injected so that tests run every verb in-process, as a
/// user would, and read what it printed. <paramref name="ReadPassword"/> asks for a password
/// without echo; null when standard input is redirected (no one to ask).
/// </summary>
public sealed record CliContext(TextReader In, TextWriter Out, TextWriter Error, bool IsInteractive, Func<string, string?>? ReadPassword = null)
{
    /// <summary>
    /// Standard input as bytes, for verbs that decode it themselves (tokens expand: the script
    /// encoding rules); null when only <see cref="In"/> is available.
    /// </summary>
    public Stream? InputBytes { get; init; }

    /// <summary>The process console.</summary>
    public static CliContext FromConsole() =>
        new(Console.In, Console.Out, Console.Error, !Console.IsOutputRedirected, Console.IsInputRedirected ? null : ConsolePassword.Read)
        {
            InputBytes = Console.OpenStandardInput(),
        };
}
