namespace CrmDb.Runner.Maintenance;

/// <summary>One file of the backup folder, as the cleanup sees it.</summary>
/// <param name="Path">Full path.</param>
/// <param name="LastWriteUtc">When it was last written (UTC).</param>
/// <param name="Header">Its first bytes (at least 4 when the file has them).</param>
public sealed record BackupFileCandidate(string Path, DateTime LastWriteUtc, byte[] Header);

/// <summary>
/// Which backup files crmdb maintenance run deletes when the plan leaves them to it
/// (AllowXpDeleteFile = 0): SQL Server backup files only (.bak, .dif, .trn whose first bytes are
/// the Microsoft Tape Format "TAPE" block every native SQL Server backup starts with), written
/// before the cutoff of <see cref="MaintenanceDecisions.FileCutoff"/>: never the newest full of
/// a database nor a file a later differential or log needs. Pure: the command reads the folder.
/// </summary>
public static class BackupFileCleanup
{
    /// <summary>The extensions of CrmDb's backup files, as the xp_delete_file route deletes them.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".bak", ".dif", ".trn"];

    private static readonly byte[] TapeHeader = "TAPE"u8.ToArray();

    /// <summary>The candidates to delete, oldest first.</summary>
    public static IReadOnlyList<BackupFileCandidate> Select(IEnumerable<BackupFileCandidate> files, DateTime cutoffUtc) =>
        files
            .Where(file => Extensions.Contains(System.IO.Path.GetExtension(file.Path), StringComparer.OrdinalIgnoreCase))
            .Where(file => file.LastWriteUtc < cutoffUtc)
            .Where(file => IsSqlServerBackup(file.Header))
            .OrderBy(file => file.LastWriteUtc)
            .ToList();

    /// <summary>True when <paramref name="header"/> starts with the MTF "TAPE" descriptor block.</summary>
    public static bool IsSqlServerBackup(byte[] header) =>
        header.Length >= TapeHeader.Length && header.AsSpan(0, TapeHeader.Length).SequenceEqual(TapeHeader);

    /// <summary>The files of <paramref name="folder"/> and its first-level subfolders (as xp_delete_file's last argument 1).</summary>
    public static IEnumerable<BackupFileCandidate> Read(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1, IgnoreInaccessible = true };
        foreach (string path in Directory.EnumerateFiles(folder, "*", options))
        {
            if (!Extensions.Contains(System.IO.Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var header = new byte[4];
            int read;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                read = stream.Read(header, 0, header.Length);
            }

            yield return new BackupFileCandidate(path, File.GetLastWriteTimeUtc(path), header[..read]);
        }
    }
}
