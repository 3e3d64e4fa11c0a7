using System.Text;
using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>Scripts that cannot be split: each is a typed error naming the file and the line.</summary>
public sealed class BadScriptTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-bad-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("SELECT 'abc", BatchErrorKind.UnterminatedString, 1)]
    [InlineData("SELECT 1\nGO\nSELECT 'a\nGO\n", BatchErrorKind.UnterminatedString, 3)]
    [InlineData("SELECT 1\n/* x\nGO", BatchErrorKind.UnterminatedComment, 2)]
    [InlineData("/* a /* b */\nGO\nSELECT 1", BatchErrorKind.UnterminatedComment, 1)]
    [InlineData("SELECT [a", BatchErrorKind.UnterminatedBracketedIdentifier, 1)]
    [InlineData("SELECT 1\nSELECT \"a", BatchErrorKind.UnterminatedQuotedIdentifier, 2)]
    [InlineData("SELECT 1\nSELECT $(Nope)", BatchErrorKind.UndefinedVariable, 2)]
    [InlineData("SELECT '$(Nope)'", BatchErrorKind.UndefinedVariable, 1)]
    [InlineData("select $(x", BatchErrorKind.MalformedVariable, 1)]
    [InlineData("$((x", BatchErrorKind.MalformedVariable, 1)]
    [InlineData("alter $( x)", BatchErrorKind.MalformedVariable, 1)]
    [InlineData("SELECT 1\n'select $(x'", BatchErrorKind.MalformedVariable, 2)]
    [InlineData("SELECT 1\nGO x", BatchErrorKind.InvalidGo, 2)]
    [InlineData("SELECT 1\nGO 0", BatchErrorKind.InvalidGo, 2)]
    [InlineData("SELECT 1\nGO -1", BatchErrorKind.InvalidGo, 2)]
    [InlineData("SELECT 1\nGO 99999999999", BatchErrorKind.InvalidGo, 2)]
    [InlineData(":connect srv", BatchErrorKind.UnsupportedCommand, 1)]
    [InlineData("SELECT 1\n:xml on", BatchErrorKind.UnsupportedCommand, 2)]
    [InlineData(":out result.txt", BatchErrorKind.UnsupportedCommand, 1)]
    [InlineData(":listvar", BatchErrorKind.UnsupportedCommand, 1)]
    [InlineData(":setvar", BatchErrorKind.InvalidCommand, 1)]
    [InlineData(":setvar 1abc x", BatchErrorKind.InvalidCommand, 1)]
    [InlineData(":setvar V a b", BatchErrorKind.InvalidCommand, 1)]
    [InlineData(":setvar V \"open", BatchErrorKind.InvalidCommand, 1)]
    [InlineData(":on error maybe", BatchErrorKind.InvalidCommand, 1)]
    [InlineData(":r", BatchErrorKind.InvalidCommand, 1)]
    [InlineData(":setvar Nope", BatchErrorKind.UndefinedVariable, 1)]
    [InlineData("SELECT 1\nED", BatchErrorKind.RefusedCommand, 2)]
    [InlineData("SELECT 1\n:ed", BatchErrorKind.RefusedCommand, 2)]
    [InlineData("SELECT 1\nGO\n!! del C:\\x", BatchErrorKind.RefusedCommand, 3)]
    [InlineData(":!! ls", BatchErrorKind.RefusedCommand, 1)]
    [InlineData("SELECT 1\nEXIT(SELECT 5)", BatchErrorKind.ExitQueryRefused, 2)]
    [InlineData(":exit(SELECT 5)", BatchErrorKind.ExitQueryRefused, 1)]
    [InlineData("EXIT now", BatchErrorKind.InvalidCommand, 1)]
    [InlineData("RESET all", BatchErrorKind.InvalidCommand, 1)]
    public void A_bad_script_is_a_typed_error_with_its_line(string script, BatchErrorKind kind, int line)
    {
        var error = Splitting.Error(script);

        Assert.Equal(kind, error.Kind);
        Assert.Equal("main.sql", error.File);
        Assert.Equal(line, error.Line);
        Assert.Contains("main.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains(line.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_variable_message_names_it_and_says_how_to_define_it()
    {
        var error = Splitting.Error("SELECT 1\nSELECT $(GesComBase)");

        Assert.Equal("GesComBase", error.Detail);
        Assert.Contains("--variable GesComBase=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_script_file_is_an_error_naming_it()
    {
        string path = Path.Combine(folder, "absent.sql");

        var error = Assert.Throws<BatchScriptException>(() => new BatchReader(new BatchReaderOptions()).Read(path).ToList());

        Assert.Equal(BatchErrorKind.FileNotFound, error.Kind);
        Assert.Contains("absent.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_UTF8_is_an_error_naming_the_file_the_line_and_the_bytes()
    {
        // "é" saved as Windows-1252 (0xE9) on line 3: not UTF-8.
        string path = Path.Combine(folder, "ansi.sql");
        byte[] bytes = [.. Encoding.ASCII.GetBytes("SELECT 1\nGO\nPRINT 'caf"), 0xE9, .. Encoding.ASCII.GetBytes("'\n")];
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<BatchScriptException>(() => new BatchReader(new BatchReaderOptions()).Read(path).ToList());

        Assert.Equal(BatchErrorKind.Undecodable, error.Kind);
        Assert.Equal(3, error.Line);
        Assert.Equal("E9", error.Detail);
        Assert.Contains("ansi.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_UTF8_far_into_a_large_file_is_placed_on_its_exact_line()
    {
        // The reader decodes 64 KB ahead of the lines it hands out; the error must not say "line 1".
        string path = Path.Combine(folder, "far.sql");
        var text = new StringBuilder();
        for (int i = 0; i < 5000; i++)
        {
            text.Append("SELECT 'ligne ").Append(i).Append("';\n");
        }

        byte[] bytes = [.. Encoding.UTF8.GetBytes(text.ToString()), 0xC3, 0x28, (byte)'\n'];
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<BatchScriptException>(() => new BatchReader(new BatchReaderOptions()).Read(path).ToList());

        Assert.Equal(BatchErrorKind.Undecodable, error.Kind);
        Assert.Equal(5001, error.Line);
    }

    [Theory]
    [InlineData("utf-8-bom")]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    public void Byte_order_marks_are_honoured_and_never_reach_the_text(string encodingName)
    {
        Encoding encoding = encodingName switch
        {
            "utf-8-bom" => new UTF8Encoding(true),
            "utf-16le" => new UnicodeEncoding(false, true),
            "utf-16be" => new UnicodeEncoding(true, true),
            _ => new UTF32Encoding(false, true),
        };
        string path = Path.Combine(folder, encodingName + ".sql");
        File.WriteAllText(path, "PRINT N'Début'\r\nGO\r\nSELECT 2", encoding);

        var batches = new BatchReader(new BatchReaderOptions()).Read(path).ToList();

        Assert.Equal(["PRINT N'Début'", "SELECT 2"], batches.Select(b => b.Text));
    }

    [Fact]
    public void Invalid_UTF16_is_an_error_too()
    {
        // A UTF-16 LE BOM, then a lone high surrogate (D800) followed by 'A'.
        string path = Path.Combine(folder, "bad16.sql");
        File.WriteAllBytes(path, [0xFF, 0xFE, (byte)'S', 0, 0x00, 0xD8, (byte)'A', 0]);

        var error = Assert.Throws<BatchScriptException>(() => new BatchReader(new BatchReaderOptions()).Read(path).ToList());

        Assert.Equal(BatchErrorKind.Undecodable, error.Kind);
    }
}
