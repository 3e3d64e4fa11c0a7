using System.Globalization;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>Whether a script runs, and why: the journal filter of the pipeline.</summary>
public sealed record JournalDecision(bool Runs, string Reason, string? SucceededAt);

/// <summary>
/// Asks the journal about a script: a script whose latest row is 'success' with the same
/// checksum is skipped (unless --force); new, changed, failed and interrupted ones run.
/// </summary>
public static class JournalFilter
{
    private static readonly Localizer Text = new("Run");

    /// <summary>Decides for <paramref name="script"/> of <paramref name="component"/> with <paramref name="checksum"/>.</summary>
    public static async Task<JournalDecision> DecideAsync(IScriptJournal journal, string component, string script, string checksum, bool force, CancellationToken cancellationToken)
    {
        var last = await journal.LastAsync(component, script, cancellationToken).ConfigureAwait(false);
        bool unchanged = last is { Status: JournalEntry.Success } && string.Equals(last.Checksum, checksum, StringComparison.OrdinalIgnoreCase);
        if (unchanged && !force)
        {
            return new JournalDecision(false, string.Empty, last!.StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        string reason = force ? Text["ReasonForced"]
            : last is null ? Text["ReasonNew"]
            : last.Status == JournalEntry.Success ? Text["ReasonChanged"]
            : Text["ReasonFailedBefore"];
        return new JournalDecision(true, reason, null);
    }
}
