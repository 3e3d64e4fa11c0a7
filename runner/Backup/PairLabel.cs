using System.Globalization;

namespace CrmDb.Runner.Backup;

/// <summary>
/// The label that ties the backups of one pair together: yyyyMMdd_HHmmss in UTC (char(15)). It is
/// in every file name of the pair, in each backup set's DESCRIPTION ("CrmDb pair LABEL") and NAME,
/// and in dbo.MC_MaintenanceLog.PairLabel. It sorts by time as text.
/// </summary>
public static class PairLabel
{
    /// <summary>The format: 15 characters, sortable.</summary>
    public const string Format = "yyyyMMdd_HHmmss";

    /// <summary>The label of a pair taken at <paramref name="time"/> (converted to UTC).</summary>
    public static string From(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="text"/> is a label: exactly yyyyMMdd_HHmmss and a real date and time.</summary>
    public static bool IsValid(string? text) =>
        text is { Length: 15 }
        && DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>The DESCRIPTION of every backup set of the pair, which msdb.dbo.backupset keeps.</summary>
    public static string Description(string label) => "CrmDb pair " + label;
}
