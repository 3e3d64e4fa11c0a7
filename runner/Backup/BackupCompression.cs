namespace CrmDb.Runner.Backup;

/// <summary>
/// Whether an instance can compress a backup. SERVERPROPERTY('EngineEdition'): 2 Standard (also Web
/// and Business Intelligence), 3 Enterprise (also Developer and Evaluation), 4 Express, 8 Managed
/// Instance. Backup compression is in Enterprise, Standard and Developer, not in Express nor Web
/// ("Editions and supported features of SQL Server 2022"). dbo.MC_backup decides the same way.
/// </summary>
public static class BackupCompression
{
    /// <summary>True when BACKUP ... WITH COMPRESSION is accepted.</summary>
    public static bool Supported(int engineEdition, string? edition) =>
        engineEdition is 2 or 3 or 8 && !(edition ?? string.Empty).StartsWith("Web", StringComparison.OrdinalIgnoreCase);
}
