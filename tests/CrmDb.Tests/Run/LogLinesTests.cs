using CrmDb.Runner.Processing;

namespace CrmDb.Tests.Run;

/// <summary>
/// RunLog.WriteLines ends every line of a batch with the log's CRLF whatever ended it in the
/// script, exactly as EnumerateLines reads lines (CR, LF, CRLF, FF, NEL, LS, PS), including its
/// fast path for texts without NEL, LS or PS.
/// </summary>
public sealed class LogLinesTests
{
    public static TheoryData<string> Texts => new()
    {
        string.Empty,
        "SELECT 1",
        "SELECT 1\n",
        "\n",
        "\r",
        "\r\n",
        "\n\r",
        "a\r\nb\nc\rd\fe",
        "fin\r",
        "a\r\r\nb",
        "a\u2028b\u2029c\u0085d",
        "PRINT N'élan 😀'\nGO",
        "a\n\u2028\r\n",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Lines_end_with_CRLF_as_EnumerateLines_reads_them(string text)
    {
        Assert.Equal(Reference(text, "  "), Written(text, "  "));
    }

    [Fact]
    public void Random_texts_of_line_end_characters_are_written_as_EnumerateLines_reads_them()
    {
        var random = new Random(20261202);
        char[] alphabet = ['a', ' ', '\r', '\n', '\f', '\u0085', '\u2028', '\u2029', 'é'];
        for (int i = 0; i < 2000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(i % 2 == 0 ? 5 : alphabet.Length)]).ToArray());
            Assert.Equal(Reference(text, string.Empty), Written(text, string.Empty));
        }
    }

    private static string Written(string text, string indent)
    {
        var writer = new StringWriter { NewLine = "\r\n" };
        RunLog.WriteLines(writer, text, indent);
        return writer.ToString();
    }

    private static string Reference(string text, string indent)
    {
        var expected = new System.Text.StringBuilder();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            expected.Append(indent).Append(line).Append("\r\n");
        }

        return expected.ToString();
    }
}
