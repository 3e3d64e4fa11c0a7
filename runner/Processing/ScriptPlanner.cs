using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using CrmDb.Clr;
using CrmDb.Runner.Batches;

namespace CrmDb.Runner.Processing;

/// <summary>
/// A script read through once before anything runs: its batch count (for progress), the
/// checksum of what it would run, a digest per batch (so that the run can check each batch it
/// reads again is the one planned), whether it holds #F_/#P_ tokens, whether it ends the run
/// (EXIT, QUIT), or what is wrong with it.
/// </summary>
public sealed record ScriptPlan(ScriptFile Script, int BatchCount, string RawChecksum, bool HasTokens, BatchScriptException? Error)
{
    /// <summary>SHA-256 of each batch as planned, in order.</summary>
    public IReadOnlyList<byte[]> BatchDigests { get; init; } = [];

    /// <summary>True when an EXIT or QUIT ends the run in this script.</summary>
    public bool EndsRun { get; init; }

    /// <summary>
    /// The journal checksum: SHA-256 of the batches after variable substitution (secret values
    /// masked, so a new password reruns nothing) and, when the script has tokens, of the GesCom
    /// qualifier they expand to (so pointing the run at another GesCom database counts as a change).
    /// </summary>
    public string Checksum(GesComLocation? location) => HasTokens && location is not null
        ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RawChecksum + "|" + location.Qualifier)))
        : RawChecksum;
}

/// <summary>What is handed each batch as the plan reads it: a dry run lists the batches in that same read.</summary>
public interface IPlannedBatches
{
    /// <summary>A batch of the script at <paramref name="script"/> (0-based) that passed its checks; not the EXIT that ends the run.</summary>
    void Add(int script, Batch batch);
}

/// <summary>First pass over the scripts: splits each one (streaming) and checks it can run.</summary>
public static class ScriptPlanner
{
    // Any location will do to check that a batch's tokens can be expanded: the check is about the text.
    private static readonly GesComLocation ProbeLocation = GesComLocation.Create(string.Empty, "GESCOM", null);

    /// <summary>
    /// Plans every script; a script with tokens and no GesCom location to expand them to
    /// (<paramref name="tokensAllowed"/> false) is an error at the line of its first token.
    /// </summary>
    public static IReadOnlyList<ScriptPlan> Plan(IEnumerable<ScriptFile> scripts, BatchReaderOptions options, bool tokensAllowed, CancellationToken cancellationToken = default) =>
        Plan(scripts, options, tokensAllowed, null, cancellationToken);

    /// <summary>
    /// Plans every script and hands each planned batch to <paramref name="listing"/>, up to the
    /// EXIT that ends the run; with a listing, no batch digest is kept (they serve a real run,
    /// which reads each script again and checks every batch against its digest).
    /// </summary>
    public static IReadOnlyList<ScriptPlan> Plan(IEnumerable<ScriptFile> scripts, BatchReaderOptions options, bool tokensAllowed, IPlannedBatches? listing, CancellationToken cancellationToken = default)
    {
        var plans = new List<ScriptPlan>();
        foreach (var script in scripts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var plan = PlanOne(script, options, tokensAllowed, listing is null ? null : (listing, plans.Count));
            plans.Add(plan);
            if (plan.EndsRun)
            {
                // Later scripts are still planned (their errors are reported) but never listed.
                listing = null;
            }
        }

        return plans;
    }

    /// <summary>The digest of one batch as the journal sees it (secrets masked, repeat count included).</summary>
    public static byte[] Digest(Batch batch)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendBatch(batch.ShownText, batch.Count, hash, null);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Feeds the UTF-8 bytes of <paramref name="shown"/> and of its GO suffix to both hashes, in
    /// slices: a 50 MB batch is not copied into one byte array (or two) to be hashed. The bytes are
    /// those of Encoding.UTF8.GetBytes(shown + suffix): the encoder keeps a surrogate pair cut by a
    /// slice whole, and replaces a lone one as GetBytes does.
    /// </summary>
    private static void AppendBatch(string shown, int count, IncrementalHash first, IncrementalHash? second)
    {
        const int Slice = 16 * 1024;
        var encoder = Encoding.UTF8.GetEncoder();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(Slice));
        try
        {
            ReadOnlySpan<char> rest = shown;
            do
            {
                var slice = rest[..Math.Min(Slice, rest.Length)];
                rest = rest[slice.Length..];
                int bytes = encoder.GetBytes(slice, buffer, flush: rest.IsEmpty);
                first.AppendData(buffer, 0, bytes);
                second?.AppendData(buffer, 0, bytes);
            }
            while (!rest.IsEmpty);

            int suffix = Encoding.UTF8.GetBytes($"\u0000GO {count}\u0000", buffer);
            first.AppendData(buffer, 0, suffix);
            second?.AppendData(buffer, 0, suffix);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ScriptPlan PlanOne(ScriptFile script, BatchReaderOptions options, bool tokensAllowed, (IPlannedBatches Sink, int Script)? listing)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var digests = new List<byte[]>();
        int count = 0;
        bool hasTokens = false;
        bool endsRun = false;
        try
        {
            // The batch lives only in PlanBatch's frame, which takes it from the enumerator: this
            // method, run once a script and so left at its first JIT tier (which keeps every local
            // and temporary alive to its end), never holds one while the next is read.
            var kept = listing is null ? digests : null;
            var sink = listing?.Sink;
            int listed = listing?.Script ?? 0;
            using var batches = new BatchReader(options).Read(script.Path).GetEnumerator();
            while (batches.MoveNext())
            {
                if (!PlanBatch(batches, hash, kept, tokensAllowed, ref hasTokens, sink, listed))
                {
                    endsRun = true;
                    hash.AppendData("\u0000EXIT\u0000"u8);
                    break;
                }

                count++;
            }

            return new ScriptPlan(script, count, Convert.ToHexString(hash.GetHashAndReset()), hasTokens, null) { BatchDigests = digests, EndsRun = endsRun };
        }
        catch (BatchScriptException ex)
        {
            return new ScriptPlan(script, count, string.Empty, hasTokens, ex);
        }
    }

    /// <summary>
    /// Hashes the current batch of <paramref name="batches"/>, checks its tokens and hands it to
    /// <paramref name="sink"/>, if any; false when it is the EXIT or QUIT that ends the run.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool PlanBatch(IEnumerator<Batch> batches, IncrementalHash hash, List<byte[]>? digests, bool tokensAllowed, ref bool hasTokens, IPlannedBatches? sink, int script)
    {
        var batch = batches.Current;
        if (batch.EndsRun)
        {
            return false;
        }

        if (digests is null)
        {
            AppendBatch(batch.ShownText, batch.Count, hash, null);
        }
        else
        {
            // One encoding of the batch feeds the script's checksum and the batch's digest.
            using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            AppendBatch(batch.ShownText, batch.Count, hash, digest);
            digests.Add(digest.GetHashAndReset());
        }

        if (TokenExpander.CountTokens(batch.Text) > 0)
        {
            hasTokens = true;
            if (!tokensAllowed)
            {
                var (file, line) = batch.Locate(LineOfFirstToken(batch.Text));
                throw new BatchScriptException(BatchErrorKind.TokensWithoutIntegration, file, line);
            }

            CheckExpandable(batch);
        }

        sink?.Add(script, batch);
        return true;
    }

    /// <summary>
    /// A token in a literal nested in another cannot be expanded, whatever the GesCom location:
    /// refused at its line of the file while planning, before anything runs, instead of stopping
    /// the run at that batch after the ones before it.
    /// </summary>
    private static void CheckExpandable(Batch batch)
    {
        try
        {
            TokenExpander.Expand(batch.Text, ProbeLocation);
        }
        catch (TokenExpansionException ex)
        {
            var (file, line) = batch.Locate(ex.Line);
            throw new BatchScriptException(BatchErrorKind.TokenInNestedLiteral, file, line);
        }
    }

    /// <summary>The 1-based batch line of the first #F_ or #P_ token.</summary>
    private static int LineOfFirstToken(string text)
    {
        int i = text.IndexOf('#');
        while (i >= 0)
        {
            int close = text.IndexOf('#', i + 1);
            if (close < 0)
            {
                break;
            }

            if (TokenExpander.CountTokens(text.Substring(i, close - i + 1)) == 1)
            {
                return text.AsSpan(0, i).Count('\n') + 1;
            }

            i = close;
        }

        return 1;
    }
}
