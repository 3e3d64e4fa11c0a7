using System.Globalization;
using System.Text;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>
/// The log line before each batch a dry run lists ("--- Lot 2/5 (a.sql, ligne 4), serait
/// exécuté 1 fois ---"), its texts looked up and parsed once per run: a script of 50,000
/// batches formats it 50,000 times. Made for one run, in the run's language.
/// </summary>
public sealed class DryRunBatchHeader
{
    private static readonly Localizer Text = new("Run");
    private readonly CompositeFormat line = CompositeFormat.Parse(Text["LogBatchDryRun"]);
    private readonly CompositeFormat place = CompositeFormat.Parse(Text["Place"]);
    private string? lastFile;
    private string lastName = string.Empty;

    /// <summary>The header of batch <paramref name="index"/> of <paramref name="batches"/>, which starts at <paramref name="startLine"/> of <paramref name="file"/> and would run <paramref name="count"/> times.</summary>
    public string Format(int index, int batches, string file, int startLine, int count)
    {
        if (!ReferenceEquals(file, lastFile))
        {
            lastFile = file;
            lastName = Path.GetFileName(file);
        }

        // As RunReport.Place: "file, line N", or the file alone for line 0.
        string where = startLine > 0 ? string.Format(CultureInfo.CurrentCulture, place, lastName, startLine) : lastName;
        return string.Format(CultureInfo.CurrentCulture, line, index, batches, where, count);
    }
}
