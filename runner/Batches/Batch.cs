namespace CrmDb.Runner.Batches;

/// <summary>Where a run of consecutive batch lines comes from: batch line <see cref="BatchLine"/> is line <see cref="FileLine"/> of <see cref="File"/>.</summary>
public readonly record struct BatchSegment(int BatchLine, string File, int FileLine);

/// <summary>
/// One batch of a script: the text between two GO lines, after sqlcmd variable substitution,
/// without the GO line, leading blank lines and trailing white space.
/// </summary>
public sealed class Batch
{
    internal Batch(int index, int count, string text, bool exitOnError, IReadOnlyList<BatchSegment> segments, IReadOnlyList<Range>? secrets = null)
    {
        Index = index;
        Count = count;
        Text = text;
        ExitOnError = exitOnError;
        Segments = segments;
        Secrets = secrets ?? [];
    }

    /// <summary>
    /// The mark EXIT or QUIT leaves where it stood: not a batch to run, the end of the run. Its
    /// <see cref="Index"/> is the number of batches before it.
    /// </summary>
    public bool EndsRun { get; private init; }

    /// <summary>The mark of an EXIT or QUIT at line <paramref name="line"/> of <paramref name="file"/>.</summary>
    internal static Batch Exit(int batchesBefore, string file, int line) =>
        new(batchesBefore, 0, string.Empty, false, [new BatchSegment(1, file, line)]) { EndsRun = true };

    /// <summary>Where the values of secret variables are in <see cref="Text"/>.</summary>
    public IReadOnlyList<Range> Secrets { get; }

    /// <summary>
    /// <see cref="Text"/> with each secret value shown as ******** (CrmDb.Clr.SecretNames): what
    /// the log, the console and the journal checksum see. The server gets <see cref="Text"/>.
    /// </summary>
    public string ShownText
    {
        get
        {
            if (Secrets.Count == 0)
            {
                return Text;
            }

            var shown = new System.Text.StringBuilder(Text.Length);
            int at = 0;
            foreach (var range in Secrets)
            {
                shown.Append(Text, at, range.Start.Value - at).Append(CrmDb.Clr.SecretNames.Mask);
                at = range.End.Value;
            }

            return shown.Append(Text, at, Text.Length - at).ToString();
        }
    }

    /// <summary>1-based position of the batch in its script (included files count in the script that includes them).</summary>
    public int Index { get; }

    /// <summary>The file where the batch starts (a script, or a file it includes with :r).</summary>
    public string File => Segments[0].File;

    /// <summary>1-based line of the batch's first line in <see cref="File"/>.</summary>
    public int StartLine => Segments[0].FileLine;

    /// <summary>How many times the batch runs: n of <c>GO n</c>, 1 by default.</summary>
    public int Count { get; }

    /// <summary>The text sent to the server.</summary>
    public string Text { get; }

    /// <summary>True when <c>:on error exit</c> was in force at the batch's GO: an error stops the run.</summary>
    public bool ExitOnError { get; }

    /// <summary>Which file lines the batch lines come from (more than one when :r or sqlcmd lines cut it).</summary>
    public IReadOnlyList<BatchSegment> Segments { get; }

    /// <summary>The file and line of line <paramref name="batchLine"/> (1-based, as the server reports it) of the batch.</summary>
    public (string File, int Line) Locate(int batchLine)
    {
        var segment = Segments[0];
        foreach (var candidate in Segments)
        {
            if (candidate.BatchLine > batchLine)
            {
                break;
            }

            segment = candidate;
        }

        return (segment.File, segment.FileLine + Math.Max(batchLine, 1) - segment.BatchLine);
    }
}
