using System.Runtime.CompilerServices;
using System.Text.Json;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Batches;

/// <summary>
/// crmdb batches --format json writes each batch's text in slices as it reads: the slices must
/// join into exactly the text (surrogate pairs cut at no slice edge, secrets masked wherever they
/// fall), and the reader must not keep a batch once the caller has asked for the next one.
/// </summary>
public sealed class BatchesJsonStreamingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-json-stream-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_text_longer_than_many_slices_comes_back_whole_with_pairs_and_secrets_intact()
    {
        // 16,383 'a' put an emoji (a surrogate pair) across the first 16 Ki-character slice edge.
        string emoji = "\U0001F600";
        string body = "PRINT N'" + new string('a', 16_375) + emoji + "\"quoted\" \\ é" + new string('b', 40_000) + "';";
        string text = body + "\nSELECT '$(Cle)' AS k, N'" + new string('c', 20_000) + "'";
        string script = Path.Combine(folder, "long.sql");
        File.WriteAllText(script, text + "\nGO\nSELECT 2\n");

        var result = CliRunner.Run("batches", script, "--format", "json", "--secret-variable", "Cle=s3cr3t-value");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.DoesNotContain("s3cr3t-value", result.Out, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(2, json.RootElement.GetArrayLength());
        Assert.Equal(text.Replace("$(Cle)", "********", StringComparison.Ordinal), json.RootElement[0].GetProperty("text").GetString());
        Assert.Equal("SELECT 2", json.RootElement[1].GetProperty("text").GetString());
    }

    [Fact]
    public void An_error_after_some_batches_exits_2_and_leaves_the_batches_read_so_far()
    {
        // Written as it is read: the batches before the error are out, the error names its line.
        string script = Path.Combine(folder, "late.sql");
        File.WriteAllText(script, "SELECT 1\nGO\nSELECT $(Absente)\nGO\n");

        var result = CliRunner.Run("batches", script, "--format", "json");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("$(Absente)", result.Error, StringComparison.Ordinal);
        Assert.Contains("SELECT 1", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reader_lets_a_large_batch_go_once_the_next_is_asked_for()
    {
        string script = Path.Combine(folder, "large.sql");
        File.WriteAllText(script, "SELECT N'" + new string('x', 9 * 1024 * 1024) + "'\nGO\nSELECT 2\nGO\nSELECT 3\n");
        using var batches = new BatchReader(new BatchReaderOptions()).Read(script).GetEnumerator();

        var first = TakeWeakly(batches);
        Assert.True(batches.MoveNext());
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(first.TryGetTarget(out _));
        Assert.Equal("SELECT 2", batches.Current.Text);
    }

    // In a method of its own, so that no local of the test holds the batch.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<Batch> TakeWeakly(IEnumerator<Batch> batches)
    {
        Assert.True(batches.MoveNext());
        Assert.Equal(9 * 1024 * 1024 + 10, batches.Current.Text.Length);
        return new WeakReference<Batch>(batches.Current);
    }
}
