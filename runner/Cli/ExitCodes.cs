namespace CrmDb.Runner.Cli;

/// <summary>crmdb's exit statuses, the same for every verb (documented in README.md and in --help).</summary>
public static class ExitCodes
{
    /// <summary>Everything asked was done.</summary>
    public const int Success = 0;

    /// <summary>Processing ran, and something in it failed (a batch, a check, a connection, a deployment step).</summary>
    public const int ProcessingErrors = 1;

    /// <summary>Bad usage or input (a refused lock included): nothing was run.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted by the user (Ctrl+C, SIGTERM): 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;
}
