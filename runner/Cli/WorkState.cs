namespace CrmDb.Runner.Cli;

/// <summary>
/// Whether the current verb has started its work (reached the server): an I/O error before
/// that is bad input (exit 2), after it a processing error (exit 1).
/// </summary>
public static class WorkState
{
    private static readonly AsyncLocal<Flag?> Current = new();

    /// <summary>True once <see cref="MarkStarted"/> was called in this invocation.</summary>
    public static bool Started => Current.Value?.Value ?? false;

    /// <summary>Records that the verb's work has begun.</summary>
    public static void MarkStarted()
    {
        if (Current.Value is { } flag)
        {
            flag.Value = true;
        }
    }

    /// <summary>Starts a fresh scope for one invocation (a mutable box, so that callees' marks flow back).</summary>
    internal static void Begin() => Current.Value = new Flag();

    private sealed class Flag
    {
        public bool Value { get; set; }
    }
}
