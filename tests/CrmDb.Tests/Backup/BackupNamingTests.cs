using CrmDb.Runner.Backup;

namespace CrmDb.Tests.Backup;

/// <summary>The pair label, the file names and the backup set names, table-driven (dbo.MC_backup builds the same in T-SQL).</summary>
public sealed class BackupNamingTests
{
    public static TheoryData<string, string> Times() => new()
    {
        { "2026-12-01T22:30:00+00:00", "20261201_223000" },
        { "2026-12-01T23:30:05+01:00", "20261201_223005" },   // Paris winter time: the label is UTC
        { "2026-07-01T01:02:03+02:00", "20260630_230203" },   // summer time across midnight: the day before, in UTC
        { "2027-01-01T00:00:00-05:00", "20270101_050000" },
    };

    [Theory]
    [MemberData(nameof(Times))]
    public void The_label_is_the_UTC_time_as_yyyyMMdd_HHmmss(string time, string label)
    {
        Assert.Equal(label, PairLabel.From(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(PairLabel.IsValid(label));
        Assert.Equal(15, label.Length);
    }

    [Theory]
    [InlineData("20261201_223000", true)]
    [InlineData("20261301_223000", false)]   // month 13
    [InlineData("20261201_246000", false)]   // hour 24
    [InlineData("20261201-223000", false)]
    [InlineData("20261201_22300", false)]
    [InlineData("20261201_2230000", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_label_is_recognised_only_in_its_exact_form(string? text, bool valid) =>
        Assert.Equal(valid, PairLabel.IsValid(text));

    [Fact]
    public void Labels_sort_by_time_as_text()
    {
        var times = new[] { "2026-12-01T09:00:00Z", "2026-11-30T23:59:59Z", "2027-01-01T00:00:00Z" }
            .Select(t => DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var byText = times.Select(PairLabel.From).Order(StringComparer.Ordinal).ToList();
        var byTime = times.Order().Select(PairLabel.From).ToList();

        Assert.Equal(byTime, byText);
    }

    [Theory]
    [InlineData("SRV", "CRM", BackupType.Full, "20261201_223000_SRV_CRM_FULL.bak")]
    [InlineData("SRV\\SAGE", "CRM", BackupType.Diff, "20261201_223000_SRV$SAGE_CRM_DIFF.bak")]
    [InlineData("srv", "GESCOM", BackupType.Log, "20261201_223000_srv_GESCOM_LOG.trn")]
    [InlineData("SRV", "Ma Société: 2026", BackupType.Full, "20261201_223000_SRV_Ma_Société__2026_FULL.bak")]
    [InlineData("SRV", "a/b\\c*?\"<>|", BackupType.Full, "20261201_223000_SRV_a_b_c_______FULL.bak")]
    public void A_file_name_starts_with_the_label_then_names_server_database_and_type(string server, string database, BackupType type, string expected) =>
        Assert.Equal(expected, BackupFileNames.FileName("20261201_223000", server, database, type));

    [Theory]
    [InlineData("D:\\Sauvegardes", "D:\\Sauvegardes\\f.bak")]
    [InlineData("D:\\Sauvegardes\\", "D:\\Sauvegardes\\f.bak")]
    [InlineData("/var/opt/mssql/data/", "/var/opt/mssql/data/f.bak")]
    [InlineData("\\\\nas\\backup", "\\\\nas\\backup\\f.bak")]
    public void A_path_is_joined_with_the_server_s_separator(string directory, string expected) =>
        Assert.Equal(expected, BackupFileNames.FilePath(directory, "f.bak"));

    [Fact]
    public void The_set_name_names_the_database_the_type_and_the_label_within_128_characters()
    {
        Assert.Equal("CrmDb CRM FULL 20261201_223000", BackupFileNames.SetName("20261201_223000", "CRM", BackupType.Full));
        Assert.Equal(128, BackupFileNames.SetName("20261201_223000", new string('x', 128), BackupType.Log).Length);
        Assert.Equal("CrmDb pair 20261201_223000", PairLabel.Description("20261201_223000"));
    }

    [Theory]
    [InlineData("full", BackupType.Full)]
    [InlineData("DIFF", BackupType.Diff)]
    [InlineData(" Log ", BackupType.Log)]
    [InlineData("differential", null)]
    [InlineData("", null)]
    public void The_type_is_read_from_full_diff_or_log(string text, BackupType? expected) =>
        Assert.Equal(expected, BackupTypes.Parse(text));

    [Theory]
    [InlineData(BackupType.Full, "BACKUP_FULL")]
    [InlineData(BackupType.Diff, "BACKUP_DIFF")]
    [InlineData(BackupType.Log, "BACKUP_LOG")]
    public void The_journal_task_is_the_one_the_maintenance_log_names(BackupType type, string task) =>
        Assert.Equal(task, type.Task());

    [Theory]
    [InlineData(2, "Standard Edition (64-bit)", true)]
    [InlineData(2, "Web Edition (64-bit)", false)]
    [InlineData(3, "Enterprise Edition (64-bit)", true)]
    [InlineData(3, "Developer Edition (64-bit)", true)]
    [InlineData(4, "Express Edition (64-bit)", false)]
    [InlineData(5, "SQL Azure", false)]
    [InlineData(8, "SQL Azure", true)]
    public void Compression_follows_the_edition(int engineEdition, string edition, bool expected) =>
        Assert.Equal(expected, BackupCompression.Supported(engineEdition, edition));
}
