using System.Security.Cryptography;
using System.Text;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>
/// The planner hashes batches in slices: its checksums and digests must stay those of the whole
/// text encoded at once (journals written before keep matching), slice borders included.
/// </summary>
public sealed class PlanDigestTests
{
    // A surrogate pair cut by the 16 Ki-character slice border, accents, and a lone surrogate.
    private static readonly string Large = "PRINT N'" + new string('é', 16 * 1024 - 9) + "\U0001F600" + new string('x', 40_000) + "\uD800" + "'";

    [Fact]
    public void The_digest_of_a_batch_larger_than_a_slice_is_that_of_its_text_encoded_at_once()
    {
        var batch = Assert.Single(Read(Large + "\nGO 3\n"));

        byte[] whole = SHA256.HashData(Encoding.UTF8.GetBytes(batch.ShownText + "\u0000GO 3\u0000"));

        Assert.Equal(3, batch.Count);
        Assert.Equal(Convert.ToHexString(whole), Convert.ToHexString(ScriptPlanner.Digest(batch)));
    }

    [Fact]
    public void The_script_checksum_is_that_of_every_batch_and_its_repeat_count_encoded_at_once()
    {
        string script = "PRINT N'un'\nGO\n" + Large + "\nGO 2\n";
        var batches = Read(script);
        var options = new BatchReaderOptions { Open = _ => new StringReader(script) };

        var plan = Assert.Single(ScriptPlanner.Plan([new ScriptFile(Path.Combine(Path.GetTempPath(), "plan.sql"), "plan.sql")], options, tokensAllowed: false));

        string all = string.Concat(batches.Select(b => b.ShownText + $"\u0000GO {b.Count}\u0000"));
        Assert.Null(plan.Error);
        Assert.Equal(2, plan.BatchCount);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all))), plan.RawChecksum);
        Assert.Equal(batches.Select(b => Convert.ToHexString(ScriptPlanner.Digest(b))), plan.BatchDigests.Select(Convert.ToHexString));
    }

    private static List<Batch> Read(string script) =>
        new BatchReader(new BatchReaderOptions()).Read(new StringReader(script), "plan.sql", Path.GetTempPath()).ToList();
}
