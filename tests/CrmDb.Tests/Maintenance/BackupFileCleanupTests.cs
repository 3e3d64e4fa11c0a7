using System.Text;
using CrmDb.Runner.Maintenance;

namespace CrmDb.Tests.Maintenance;

/// <summary>
/// The runner's backup file cleanup (issue 16, item 4): only SQL Server backup files, only before
/// the cutoff that keeps the newest full and what follows it.
/// </summary>
public sealed class BackupFileCleanupTests : IDisposable
{
    private static readonly byte[] Tape = Encoding.ASCII.GetBytes("TAPE");
    private readonly string work = Directory.CreateTempSubdirectory("crmdb-cleanup-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public void Only_old_SQL_Server_backup_files_are_chosen()
    {
        var cutoff = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var before = cutoff.AddDays(-3);
        BackupFileCandidate[] files =
        [
            new(@"D:\b\CRM_FULL_old.bak", before, Tape),
            new(@"D:\b\CRM_DIFF_old.DIF", before.AddHours(1), Tape),
            new(@"D:\b\CRM_LOG_old.trn", before.AddHours(2), Tape),
            new(@"D:\b\CRM_FULL_new.bak", cutoff.AddHours(1), Tape),  // after the cutoff: kept
            new(@"D:\b\notes.bak", before, Encoding.ASCII.GetBytes("Hell")), // not a backup: kept
            new(@"D:\b\tiny.bak", before, [0x54]),                     // too short to be one: kept
            new(@"D:\b\CRM.mdf", before, Tape),                         // not a backup extension: kept
        ];

        var chosen = BackupFileCleanup.Select(files, cutoff).Select(f => Path.GetFileName(f.Path.Replace('\\', '/'))).ToList();

        Assert.Equal(["CRM_FULL_old.bak", "CRM_DIFF_old.DIF", "CRM_LOG_old.trn"], chosen);
    }

    [Fact]
    public void The_cutoff_of_a_database_whose_newest_full_is_older_than_the_retention_keeps_that_full()
    {
        var now = new DateTime(2026, 12, 6, 2, 0, 0, DateTimeKind.Utc);
        var newestFull = now.AddDays(-45);
        var cutoff = MaintenanceDecisions.FileCutoff(now, 30, [newestFull]);
        BackupFileCandidate[] files =
        [
            new("full-45-days.bak", newestFull.AddMinutes(-20), Tape),
            new("full-60-days.bak", now.AddDays(-60), Tape),
        ];

        var chosen = BackupFileCleanup.Select(files, cutoff);

        Assert.Equal("full-60-days.bak", Assert.Single(chosen).Path);
    }

    [Fact]
    public void The_folder_is_read_with_its_first_level_subfolders_only()
    {
        Directory.CreateDirectory(Path.Combine(work, "CRM", "deeper"));
        File.WriteAllBytes(Path.Combine(work, "top.bak"), [.. Tape, 1, 2]);
        File.WriteAllBytes(Path.Combine(work, "CRM", "sub.trn"), [.. Tape]);
        File.WriteAllBytes(Path.Combine(work, "CRM", "deeper", "deep.bak"), [.. Tape]);
        File.WriteAllBytes(Path.Combine(work, "CRM", "readme.txt"), [.. Tape]);

        var read = BackupFileCleanup.Read(work).ToList();

        Assert.Equal(["sub.trn", "top.bak"], read.Select(f => Path.GetFileName(f.Path)).Order(StringComparer.Ordinal));
        Assert.All(read, f => Assert.True(BackupFileCleanup.IsSqlServerBackup(f.Header)));
    }
}
