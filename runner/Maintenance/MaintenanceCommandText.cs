using System.Globalization;
using CrmDb.Clr;

namespace CrmDb.Runner.Maintenance;

/// <summary>
/// The T-SQL texts of the plan's commands, character for character as dbo.MC_maintenance builds
/// them (an engine test compares the two). BACKUP and DBCC take literal names, so these are the
/// documented exception to "values as parameters": every name goes through QUOTENAME's rules
/// (<see cref="SqlName.Quote"/>), every date is an ISO 8601 literal.
/// </summary>
public static class MaintenanceCommandText
{
    /// <summary>DBCC CHECKDB with every error and no informational message (DBCC CHECKDB, learn.microsoft.com).</summary>
    public static string CheckDb(string database) =>
        $"DBCC CHECKDB ({SqlName.Quote(database)}) WITH NO_INFOMSGS, ALL_ERRORMSGS;";

    /// <summary>DBCC SHRINKDATABASE (only when the DBA enabled the row).</summary>
    public static string Shrink(string database) =>
        $"DBCC SHRINKDATABASE ({SqlName.Quote(database)}) WITH NO_INFOMSGS;";

    /// <summary>ALTER INDEX ... REORGANIZE, three-part so that it runs from the CRM database.</summary>
    public static string Reorganize(string database, string schema, string table, string index) =>
        $"ALTER INDEX {SqlName.Quote(index)} ON {Table(database, schema, table)} REORGANIZE;";

    /// <summary>ALTER INDEX ... REBUILD, WITH (ONLINE = ON) when <paramref name="mode"/> says so.</summary>
    public static string Rebuild(string database, string schema, string table, string index, RebuildMode mode) =>
        $"ALTER INDEX {SqlName.Quote(index)} ON {Table(database, schema, table)} REBUILD{(mode == RebuildMode.Online ? " WITH (ONLINE = ON)" : string.Empty)};";

    /// <summary>UPDATE STATISTICS of one statistic.</summary>
    public static string UpdateStatistics(string database, string schema, string table, string statistic) =>
        $"UPDATE STATISTICS {Table(database, schema, table)} ({SqlName.Quote(statistic)});";

    /// <summary>msdb's backup history older than <paramref name="cutoff"/> (every database of the instance).</summary>
    public static string DeleteBackupHistory(DateTime cutoff) =>
        $"EXECUTE msdb.dbo.sp_delete_backuphistory @oldest_date = '{Iso(cutoff)}';";

    /// <summary>The maintenance log's rows older than <paramref name="cutoff"/>.</summary>
    public static string DeleteMaintenanceLog(string crmDatabase, DateTime cutoff) =>
        $"DELETE FROM {SqlName.Quote(crmDatabase)}.dbo.MC_MaintenanceLog WHERE StartTime < '{Iso(cutoff)}';";

    /// <summary>
    /// master.sys.xp_delete_file: undocumented, sysadmin only, used only when the DBA allows it
    /// (AllowXpDeleteFile = 1). Arguments: 0 (backup files), folder, extension without its dot,
    /// cutoff date, 1 (first-level subfolders too).
    /// </summary>
    public static string XpDeleteFile(string directory, string extension, DateTime cutoff) =>
        $"EXECUTE master.sys.xp_delete_file 0, N'{directory.Replace("'", "''", StringComparison.Ordinal)}', N'{extension}', N'{Iso(cutoff)}', 1;";

    private static string Table(string database, string schema, string table) =>
        SqlName.Quote(database) + "." + SqlName.Quote(schema) + "." + SqlName.Quote(table);

    private static string Iso(DateTime value) => value.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
}
