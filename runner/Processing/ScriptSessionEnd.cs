using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>
/// The end-of-script check on the script's session: first the SET options under which the
/// server does not execute what it is sent are turned off, then open transactions are counted and
/// rolled back. A script may leave any of them on (SSDT's <c>IF @@ERROR &lt;&gt; 0 SET NOEXEC ON</c>):
/// under NOEXEC, PARSEONLY or FMTONLY the check would return no row, under SHOWPLAN_* a plan
/// instead of the count ("When SET NOEXEC is ON, SQL Server compiles each batch ... but doesn't
/// execute them", SET NOEXEC; "SQL Server returns execution plan information for each statement
/// without executing it", SET SHOWPLAN_XML; learn.microsoft.com). SHOWPLAN_* "must be the only
/// statement in the batch": each reset is a batch of its own. As one reset may not be honoured
/// while another option is still on, the resets run twice.
/// </summary>
internal static class ScriptSessionEnd
{
    /// <summary>The resets, each a batch of its own.</summary>
    public static readonly IReadOnlyList<string> Resets =
    [
        "SET PARSEONLY OFF;", "SET NOEXEC OFF;", "SET FMTONLY OFF;", "SET SHOWPLAN_XML OFF;", "SET SHOWPLAN_TEXT OFF;", "SET SHOWPLAN_ALL OFF;",
    ];

    /// <summary>Counts the open transactions, rolls them back, returns the count.</summary>
    public const string Check = "DECLARE @Open int = @@TRANCOUNT; IF @Open > 0 ROLLBACK; SELECT @Open AS OpenTransactions;";

    private static readonly Localizer Text = new("Run");

    /// <summary>
    /// Runs the resets then the check through <paramref name="scalar"/> (one batch, its first
    /// value); returns how many transactions were open. An answer that is not a count is a
    /// <see cref="RunSessionException"/>, never a cast error.
    /// </summary>
    public static async Task<int> RunAsync(Func<string, Task<object?>> scalar)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (string reset in Resets)
            {
                await scalar(reset).ConfigureAwait(false);
            }
        }

        object? answer = await scalar(Check).ConfigureAwait(false);
        return answer is int open
            ? open
            : throw new RunSessionException(Text["EndCheckUnreadable", answer?.ToString() ?? "NULL"], sessionLost: false);
    }
}
