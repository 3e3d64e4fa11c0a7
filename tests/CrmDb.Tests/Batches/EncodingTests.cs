using System.Text;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Batches;

/// <summary>
/// Which encoding a script is read with (ScriptEncoding): BOM, UTF-16 without BOM by its NUL
/// pattern, --code-page (sqlcmd -f), else strict UTF-8; the same rules for crmdb batches, crmdb
/// run and the standard input of crmdb tokens expand.
/// </summary>
public sealed class EncodingTests : IDisposable
{
    private static readonly Encoding Windows1252;

    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-encoding-").FullName;

    static EncodingTests()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Windows1252 = Encoding.GetEncoding(1252);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // "Échéance : 5 €" has accents and the euro sign, which Windows-1252 stores as 0x80.
    private const string French = "PRINT N'Échéance : 5 €'\r\nGO\r\nSELECT 2";

    [Fact]
    public void A_cp1252_script_reads_exactly_with_code_page_1252()
    {
        string path = WriteBytes("ansi.sql", Windows1252.GetBytes(French));

        var batches = new BatchReader(new BatchReaderOptions { Open = ScriptText.Opener(ScriptEncoding.ForCodePage(1252)) }).Read(path).ToList();

        Assert.Equal(["PRINT N'Échéance : 5 €'", "SELECT 2"], batches.Select(b => b.Text));
    }

    [Fact]
    public void A_cp1252_script_without_code_page_is_refused_with_the_suggestion()
    {
        string path = WriteBytes("ansi.sql", Windows1252.GetBytes(French));

        var error = Assert.Throws<BatchScriptException>(() => new BatchReader(new BatchReaderOptions()).Read(path).ToList());

        Assert.Equal(BatchErrorKind.Undecodable, error.Kind);
        Assert.Equal(1, error.Line);
        Assert.Contains("--code-page 1252", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UTF16_without_BOM_is_recognised_by_its_NUL_pattern(bool bigEndian)
    {
        string path = WriteBytes("u16.sql", new UnicodeEncoding(bigEndian, byteOrderMark: false).GetBytes(French));

        var batches = new BatchReader(new BatchReaderOptions()).Read(path).ToList();

        Assert.Equal(["PRINT N'Échéance : 5 €'", "SELECT 2"], batches.Select(b => b.Text));
        Assert.DoesNotContain(batches, b => b.Text.Contains('\0', StringComparison.Ordinal));
    }

    [Fact]
    public void UTF16_without_BOM_wins_over_the_code_page()
    {
        // A UTF-16 file is never cp1252 (which has no NUL in text): reading it so would give NULs.
        string path = WriteBytes("u16.sql", new UnicodeEncoding(false, false).GetBytes("SELECT 'é'"));

        var batches = new BatchReader(new BatchReaderOptions { Open = ScriptText.Opener(ScriptEncoding.ForCodePage(1252)) }).Read(path).ToList();

        Assert.Equal("SELECT 'é'", Assert.Single(batches).Text);
    }

    [Fact]
    public void NUL_bytes_that_follow_no_UTF16_pattern_are_refused_never_read()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes("SELECT 1\n"), 0, 0, 0, 1, .. Encoding.ASCII.GetBytes("GO\n")];
        string path = WriteBytes("binary.sql", bytes);

        var error = Assert.Throws<BatchScriptException>(() => new BatchReader(new BatchReaderOptions()).Read(path).ToList());

        Assert.Equal(BatchErrorKind.NulBytes, error.Kind);
        Assert.Equal(2, error.Line);
        Assert.Contains("binary.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_code_page_is_a_usage_error_naming_it()
    {
        var error = Assert.Throws<UsageException>(() => ScriptEncoding.ForCodePage(99999));

        Assert.Contains("--code-page 99999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_verb_takes_code_page_and_refuses_cp1252_without_it()
    {
        string path = WriteBytes("ansi.sql", Windows1252.GetBytes(French));

        var refused = CliRunner.Run("batches", path);
        var read = CliRunner.Run("batches", path, "--code-page", "1252");

        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("--code-page 1252", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, read.ExitCode);
        Assert.Contains("PRINT N'Échéance : 5 €'", read.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_verb_takes_code_page_and_refuses_cp1252_without_it()
    {
        string path = WriteBytes("010_ansi.sql", Windows1252.GetBytes(French));
        string logs = Path.Combine(folder, "logs");

        var refused = CliRunner.Run("run", "CRMPLUS", path, "--dry-run", "--log-dir", logs);
        var read = CliRunner.Run("run", "CRMPLUS", path, "--dry-run", "--log-dir", logs, "-f", "1252");

        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("--code-page 1252", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, read.ExitCode);
        string log = File.ReadAllText(Assert.Single(Directory.GetFiles(logs)));
        Assert.Contains("PRINT N'Échéance : 5 €'", log, StringComparison.Ordinal);
        Assert.Contains("--dry-run --code-page 1252", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_expand_follows_the_same_rules_on_standard_input()
    {
        const string Query = "SELECT CT_Num FROM #F_COMPTET# WHERE CT_Ville = 'Besançon'";
        const string Expanded = "SELECT CT_Num FROM [BIJOU].dbo.F_COMPTET WHERE CT_Ville = 'Besançon'";
        byte[] ansi = Windows1252.GetBytes(Query);

        var refused = CliRunner.RunWithInputBytes(ansi, "tokens", "expand", "--database", "BIJOU");
        var cp1252 = CliRunner.RunWithInputBytes(ansi, "tokens", "expand", "--database", "BIJOU", "--code-page", "1252");
        var utf16 = CliRunner.RunWithInputBytes(new UnicodeEncoding(false, false).GetBytes(Query), "tokens", "expand", "--database", "BIJOU");
        var utf16Bom = CliRunner.RunWithInputBytes([.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(Query)], "tokens", "expand", "--database", "BIJOU");
        var nul = CliRunner.RunWithInputBytes([0x53, 0, 0, 0], "tokens", "expand", "--database", "BIJOU");

        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("--code-page 1252", refused.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, refused.Out);
        Assert.Equal((ExitCodes.Success, Expanded), (cp1252.ExitCode, cp1252.Out));
        Assert.Equal((ExitCodes.Success, Expanded), (utf16.ExitCode, utf16.Out));
        Assert.Equal((ExitCodes.Success, Expanded), (utf16Bom.ExitCode, utf16Bom.Out));
        Assert.Equal(ExitCodes.BadInput, nul.ExitCode);
    }
}
