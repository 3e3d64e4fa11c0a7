using CrmDb.Runner.Backup;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Backup;

/// <summary>
/// The BACKUP and RESTORE statements: the display text (what is printed and journaled, and what
/// dbo.MC_backup builds: tests/tsqlt/BackupTests.class.sql expects the very same texts), the
/// parameterised text crmdb runs, and that both parse as T-SQL.
/// </summary>
public sealed class BackupStatementTests
{
    private const string Label = "20261201_223000";

    public static TheoryData<BackupType, bool, bool, string> Backups() => new()
    {
        {
            BackupType.Full, false, true,
            "BACKUP DATABASE [CRM] TO DISK = N'D:\\B\\f.bak' WITH CHECKSUM, COMPRESSION, DESCRIPTION = N'CrmDb pair 20261201_223000', NAME = N'CrmDb CRM FULL 20261201_223000';"
        },
        {
            BackupType.Full, true, false,
            "BACKUP DATABASE [CRM] TO DISK = N'D:\\B\\f.bak' WITH CHECKSUM, COPY_ONLY, DESCRIPTION = N'CrmDb pair 20261201_223000', NAME = N'CrmDb CRM FULL 20261201_223000';"
        },
        {
            BackupType.Diff, false, true,
            "BACKUP DATABASE [CRM] TO DISK = N'D:\\B\\f.bak' WITH DIFFERENTIAL, CHECKSUM, COMPRESSION, DESCRIPTION = N'CrmDb pair 20261201_223000', NAME = N'CrmDb CRM DIFF 20261201_223000';"
        },
        {
            BackupType.Log, true, true,
            "BACKUP LOG [CRM] TO DISK = N'D:\\B\\f.bak' WITH CHECKSUM, COMPRESSION, COPY_ONLY, DESCRIPTION = N'CrmDb pair 20261201_223000', NAME = N'CrmDb CRM LOG 20261201_223000';"
        },
    };

    [Theory]
    [MemberData(nameof(Backups))]
    public void A_backup_is_checksummed_described_and_named_and_both_forms_parse(BackupType type, bool copyOnly, bool compression, string expected)
    {
        var statement = BackupStatements.Backup("CRM", "D:\\B\\f.bak", type, copyOnly, compression, Label);

        Assert.Equal(expected, statement.Display);
        SqlParsing.Parse(statement.Display);
        var parsed = SqlParsing.Parse(statement.Text);
        Assert.Single(SqlParsing.All<BackupStatement>(parsed));
        Assert.Equal(["@Database", "@File", "@Description", "@Name"], statement.Parameters.Select(p => p.Key));
        Assert.Equal("CRM", statement.Parameters[0].Value);
        Assert.DoesNotContain("CRM", statement.Text.Replace("CrmDb", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_paths_with_quotes_and_brackets_are_quoted_in_the_display_and_only_passed_as_values_in_the_text()
    {
        var statement = BackupStatements.Backup("Sa]ge's", "D:\\O'Brien\\f.bak", BackupType.Full, false, false, Label);

        Assert.Equal(
            "BACKUP DATABASE [Sa]]ge's] TO DISK = N'D:\\O''Brien\\f.bak' WITH CHECKSUM, DESCRIPTION = N'CrmDb pair 20261201_223000', NAME = N'CrmDb Sa]ge''s FULL 20261201_223000';",
            statement.Display);
        Assert.Equal("BACKUP DATABASE @Database TO DISK = @File WITH CHECKSUM, DESCRIPTION = @Description, NAME = @Name;", statement.Text);
        Assert.Equal("D:\\O'Brien\\f.bak", statement.Parameters.Single(p => p.Key == "@File").Value);
        SqlParsing.Parse(statement.Display);
    }

    [Fact]
    public void A_differential_cannot_be_copy_only_and_a_label_must_be_one()
    {
        Assert.Throws<ArgumentException>(() => BackupStatements.Backup("CRM", "f", BackupType.Diff, true, false, Label));
        Assert.Throws<ArgumentException>(() => BackupStatements.Backup("CRM", "f", BackupType.Full, false, false, "2026-12-01"));
        Assert.Throws<ArgumentException>(() => BackupStatements.Backup(new string('x', 129), "f", BackupType.Full, false, false, Label));
    }

    [Fact]
    public void Verify_header_and_file_list_read_the_file_with_its_checksums()
    {
        Assert.Equal("RESTORE VERIFYONLY FROM DISK = N'D:\\B\\f.bak' WITH CHECKSUM;", BackupStatements.Verify("D:\\B\\f.bak").Display);
        Assert.Equal("RESTORE VERIFYONLY FROM DISK = @File WITH CHECKSUM;", BackupStatements.Verify("D:\\B\\f.bak").Text);
        Assert.Equal("RESTORE HEADERONLY FROM DISK = @File;", BackupStatements.Header("f").Text);
        Assert.Equal("RESTORE FILELISTONLY FROM DISK = @File;", BackupStatements.FileList("f").Text);
        foreach (var statement in new[] { BackupStatements.Verify("f"), BackupStatements.Header("f"), BackupStatements.FileList("f") })
        {
            SqlParsing.Parse(statement.Text);
            SqlParsing.Parse(statement.Display);
        }
    }

    [Theory]
    [InlineData(false, "RESTORE DATABASE [CRM_TEST] FROM DISK = N'D:\\B\\f.bak' WITH CHECKSUM, MOVE N'CRM' TO N'E:\\Data\\CRM_TEST.mdf', MOVE N'CRM_log' TO N'F:\\Log\\CRM_TEST_log.ldf', RECOVERY;")]
    [InlineData(true, "RESTORE DATABASE [CRM_TEST] FROM DISK = N'D:\\B\\f.bak' WITH CHECKSUM, MOVE N'CRM' TO N'E:\\Data\\CRM_TEST.mdf', MOVE N'CRM_log' TO N'F:\\Log\\CRM_TEST_log.ldf', REPLACE, RECOVERY;")]
    public void A_restore_moves_every_file_and_replaces_only_when_asked(bool replace, string expected)
    {
        var moves = RestorePlacement.Moves("CRM_TEST", [new BackupFileEntry("CRM_log", "L", 2), new BackupFileEntry("CRM", "D", 1)], "E:\\Data\\", "F:\\Log");

        var statement = BackupStatements.Restore("CRM_TEST", "D:\\B\\f.bak", moves, replace);

        Assert.Equal(expected, statement.Display);
        Assert.StartsWith("RESTORE DATABASE @Database FROM DISK = @File WITH CHECKSUM, MOVE @Logical1 TO @Physical1, MOVE @Logical2 TO @Physical2", statement.Text, StringComparison.Ordinal);
        SqlParsing.Parse(statement.Display);
        Assert.Single(SqlParsing.All<RestoreStatement>(SqlParsing.Parse(statement.Text)));
    }

    [Fact]
    public void Extra_data_log_and_full_text_files_get_names_of_their_own()
    {
        var moves = RestorePlacement.Moves("Copie GesCom",
            [new BackupFileEntry("d1", "D", 1), new BackupFileEntry("l1", "L", 2), new BackupFileEntry("d3", "D", 3), new BackupFileEntry("l4", "L", 4), new BackupFileEntry("ft", "F", 65537)],
            "/data", "/log");

        Assert.Equal(
            ["/data/Copie_GesCom.mdf", "/log/Copie_GesCom_log.ldf", "/data/Copie_GesCom_3.ndf", "/log/Copie_GesCom_log4.ldf", "/data/Copie_GesCom_65537"],
            moves.Select(m => m.PhysicalPath));
        Assert.Equal(["d1", "l1", "d3", "l4", "ft"], moves.Select(m => m.LogicalName));
    }
}
