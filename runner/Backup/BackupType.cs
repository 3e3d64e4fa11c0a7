namespace CrmDb.Runner.Backup;

/// <summary>The kind of a backup: a full, a differential (changes since the last full) or a log backup.</summary>
public enum BackupType
{
    /// <summary>BACKUP DATABASE: the whole database.</summary>
    Full,

    /// <summary>BACKUP DATABASE ... WITH DIFFERENTIAL: what changed since the differential base (the last full that was not COPY_ONLY).</summary>
    Diff,

    /// <summary>BACKUP LOG: the transaction log (FULL or BULK_LOGGED recovery only).</summary>
    Log,
}

/// <summary>The names a type takes in the journal, in file names and on the command line.</summary>
public static class BackupTypes
{
    /// <summary>FULL, DIFF or LOG: the word in file names, in backup set names and in dbo.MC_backup's @Type.</summary>
    public static string Code(this BackupType type) => type switch
    {
        BackupType.Full => "FULL",
        BackupType.Diff => "DIFF",
        BackupType.Log => "LOG",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The task in dbo.MC_MaintenanceLog: BACKUP_FULL, BACKUP_DIFF or BACKUP_LOG.</summary>
    public static string Task(this BackupType type) => "BACKUP_" + type.Code();

    /// <summary>.bak for database backups, .trn for log backups.</summary>
    public static string Extension(this BackupType type) => type == BackupType.Log ? ".trn" : ".bak";

    /// <summary>Reads full, diff or log (any case); null for anything else.</summary>
    public static BackupType? Parse(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "FULL" => BackupType.Full,
        "DIFF" => BackupType.Diff,
        "LOG" => BackupType.Log,
        _ => null,
    };
}
