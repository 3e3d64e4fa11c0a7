namespace CrmDb.Runner.Backup;

/// <summary>
/// The BACKUP and RESTORE statements of a pair, as pure functions (dbo.MC_backup builds the same
/// display texts in T-SQL; tests compare both). Engine rules, with their sources, in docs/backup.md.
/// </summary>
public static class BackupStatements
{
    /// <summary>
    /// BACKUP DATABASE|LOG ... TO DISK ... WITH [DIFFERENTIAL,] CHECKSUM[, COMPRESSION][, COPY_ONLY],
    /// DESCRIPTION = 'CrmDb pair LABEL', NAME = 'CrmDb DB TYPE LABEL'.
    /// </summary>
    public static SqlStatement Backup(string database, string file, BackupType type, bool copyOnly, bool compression, string label)
    {
        if (!PairLabel.IsValid(label))
        {
            throw new ArgumentException("Not a pair label (yyyyMMdd_HHmmss): " + label, nameof(label));
        }

        if (copyOnly && type == BackupType.Diff)
        {
            // BACKUP ignores COPY_ONLY with DIFFERENTIAL: refuse rather than pretend.
            throw new ArgumentException("A differential backup cannot be COPY_ONLY.", nameof(copyOnly));
        }

        var builder = new SqlStatement.Builder()
            .Sql(type == BackupType.Log ? "BACKUP LOG " : "BACKUP DATABASE ")
            .Identifier("@Database", database)
            .Sql(" TO DISK = ")
            .Value("@File", file)
            .Sql(" WITH ")
            .Sql(type == BackupType.Diff ? "DIFFERENTIAL, CHECKSUM" : "CHECKSUM")
            .Sql(compression ? ", COMPRESSION" : string.Empty)
            .Sql(copyOnly ? ", COPY_ONLY" : string.Empty)
            .Sql(", DESCRIPTION = ")
            .Value("@Description", PairLabel.Description(label))
            .Sql(", NAME = ")
            .Value("@Name", BackupFileNames.SetName(label, database, type))
            .Sql(";");
        return builder.Build();
    }

    /// <summary>RESTORE VERIFYONLY FROM DISK = ... WITH CHECKSUM: the file is readable and its page checksums hold.</summary>
    public static SqlStatement Verify(string file) =>
        new SqlStatement.Builder().Sql("RESTORE VERIFYONLY FROM DISK = ").Value("@File", file).Sql(" WITH CHECKSUM;").Build();

    /// <summary>RESTORE HEADERONLY: the backup sets of a file (database name, type, description).</summary>
    public static SqlStatement Header(string file) =>
        new SqlStatement.Builder().Sql("RESTORE HEADERONLY FROM DISK = ").Value("@File", file).Sql(";").Build();

    /// <summary>RESTORE FILELISTONLY: the logical files a restore must MOVE.</summary>
    public static SqlStatement FileList(string file) =>
        new SqlStatement.Builder().Sql("RESTORE FILELISTONLY FROM DISK = ").Value("@File", file).Sql(";").Build();

    /// <summary>
    /// RESTORE DATABASE ... FROM DISK ... WITH CHECKSUM, MOVE each logical file TO its new place
    /// [, REPLACE], RECOVERY.
    /// </summary>
    public static SqlStatement Restore(string database, string file, IReadOnlyList<FileMove> moves, bool replace)
    {
        if (moves.Count == 0)
        {
            throw new ArgumentException("A restore moves at least the data and the log file.", nameof(moves));
        }

        var builder = new SqlStatement.Builder()
            .Sql("RESTORE DATABASE ")
            .Identifier("@Database", database)
            .Sql(" FROM DISK = ")
            .Value("@File", file)
            .Sql(" WITH CHECKSUM");
        for (int i = 0; i < moves.Count; i++)
        {
            string n = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Sql(", MOVE ").Value("@Logical" + n, moves[i].LogicalName).Sql(" TO ").Value("@Physical" + n, moves[i].PhysicalPath);
        }

        return builder.Sql(replace ? ", REPLACE, RECOVERY;" : ", RECOVERY;").Build();
    }
}

/// <summary>One MOVE of a restore: a logical file of the backup and where it goes.</summary>
public sealed record FileMove(string LogicalName, string PhysicalPath);
