using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace CrmDb.Runner.Batches;

/// <summary>Where the parser stands at the end of the last line it was fed.</summary>
public enum ParserState
{
    /// <summary>In T-SQL code: a GO or sqlcmd line may come next.</summary>
    Code,

    /// <summary>Inside a '...' string literal.</summary>
    String,

    /// <summary>Inside a "..." quoted identifier.</summary>
    QuotedIdentifier,

    /// <summary>Inside a [...] identifier.</summary>
    BracketedIdentifier,

    /// <summary>Inside a /* ... */ comment (nested ones count).</summary>
    BlockComment,
}

/// <summary>What a line turned out to be.</summary>
public enum LineKind
{
    /// <summary>T-SQL text, added to the current batch.</summary>
    Text,

    /// <summary>A blank line before any text of the batch: nothing to do.</summary>
    Blank,

    /// <summary><c>GO</c> or <c>GO n</c>: the current batch is complete.</summary>
    Go,

    /// <summary><c>:setvar NAME [value]</c>.</summary>
    SetVar,

    /// <summary><c>:r FILE</c>.</summary>
    Include,

    /// <summary><c>:on error exit|ignore</c>.</summary>
    OnError,

    /// <summary>
    /// <c>EXIT</c> or <c>QUIT</c> (colon or not): the run ends here. <see cref="ParsedLine.RunPending"/>
    /// is true for <c>EXIT()</c>, which runs the pending batch first; plain EXIT and QUIT discard it.
    /// </summary>
    Exit,

    /// <summary><c>RESET</c> (colon or not): the pending batch is emptied.</summary>
    Reset,
}

/// <summary>One line as the parser read it; the fields that matter depend on <see cref="Kind"/>.</summary>
public readonly record struct ParsedLine(LineKind Kind, int GoCount = 1, string? Name = null, string? Value = null, bool ExitOnError = false, bool RunPending = false)
{
    internal static readonly ParsedLine TextLine = new(LineKind.Text);
    internal static readonly ParsedLine BlankLine = new(LineKind.Blank);
}

/// <summary>
/// The sqlcmd batch parser, with its state explicit and fed one line at a time (as go-sqlcmd's
/// Batch is), so that it is tested without files or servers. It knows T-SQL's lexical rules that
/// matter for splitting: '...' strings (<c>''</c> inside), "..." and [...] identifiers (<c>""</c>
/// and <c>]]</c> inside), -- comments and nested /* */ comments. A line is a GO or sqlcmd line
/// only when it starts in code; $(NAME) is replaced in code, strings and identifiers, never in
/// comments. Text is kept as it was written (line ends included), so server line numbers map back
/// to file lines.
/// </summary>
public sealed class BatchParser
{
    /// <summary>Above this capacity (in characters) the batch buffer is dropped after its batch rather than reused.</summary>
    private const int KeptCapacity = 1024 * 1024;

    private static readonly SearchValues<char> CodeStops = SearchValues.Create("'\"[-/$");
    private static readonly SearchValues<char> StringStops = SearchValues.Create("'$");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"$");
    private static readonly SearchValues<char> BracketStops = SearchValues.Create("]$");
    private static readonly SearchValues<char> CommentStops = SearchValues.Create("/*");

    private StringBuilder text = new();
    private readonly List<BatchSegment> segments = [];
    private readonly List<Range> secrets = [];
    private readonly SqlCmdVariables variables;
    private readonly bool substitute;
    private int batchLines;
    private string segmentFile = string.Empty;
    private int segmentNextLine;
    private int commentDepth;
    private string file = string.Empty;
    private int lineNumber;
    private string lastTerminator = "\n";

    /// <summary>A parser that substitutes $(NAME) from <paramref name="variables"/> unless <paramref name="substitute"/> is false (sqlcmd -x).</summary>
    public BatchParser(SqlCmdVariables variables, bool substitute = true)
    {
        this.variables = variables;
        this.substitute = substitute;
    }

    /// <summary>The lexical state after the last line.</summary>
    public ParserState State { get; private set; }

    /// <summary>The file where the open string, identifier or comment started.</summary>
    public string OpenedFile { get; private set; } = string.Empty;

    /// <summary>The line where the open string, identifier or comment started.</summary>
    public int OpenedLine { get; private set; }

    /// <summary>True when the current batch holds text.</summary>
    public bool HasText => batchLines > 0;

    /// <summary>Characters in the current batch (the reader bounds it).</summary>
    public int PendingLength => text.Length;

    /// <summary>
    /// Reads one line: <paramref name="line"/> without its end, <paramref name="terminator"/> the end
    /// as written (CRLF, LF, CR or nothing on the last line). Throws <see cref="BatchScriptException"/>
    /// for a malformed GO or sqlcmd line, an undefined or malformed variable.
    /// </summary>
    public ParsedLine Feed(ReadOnlySpan<char> line, ReadOnlySpan<char> terminator, string fileName, int number)
    {
        file = fileName;
        lineNumber = number;
        if (State == ParserState.Code)
        {
            int first = FirstNonBlank(line);
            if (first < 0)
            {
                if (batchLines == 0)
                {
                    return ParsedLine.BlankLine;
                }
            }
            else if ((line[first] | 0x20) == 'g' && IsGoStart(line, first))
            {
                return new ParsedLine(LineKind.Go, GoCount: ReadGoCount(line[(first + 2)..]));
            }
            else if (line[first] == ':' && !(first + 1 < line.Length && line[first + 1] == ':'))
            {
                // '::' opens T-SQL's legacy function syntax (::fn_...), never a sqlcmd command.
                return ReadCommand(line[(first + 1)..]);
            }
            else if (MayStartBareCommand(line[first]) && IsBareCommand(line[first..]))
            {
                // sqlcmd reads EXIT, QUIT, RESET, ED and !! without a colon at the start of a line.
                return ReadCommand(line[first..]);
            }
        }

        Append(line, terminator);
        return ParsedLine.TextLine;
    }

    /// <summary>Empties the current batch (RESET, or EXIT that discards it).</summary>
    public void Discard()
    {
        text.Clear();
        segments.Clear();
        secrets.Clear();
        batchLines = 0;
    }

    /// <summary>
    /// Ends the current batch: returns it (null when it holds only white space) and starts a new one.
    /// </summary>
    public Batch? Complete(int index, int count, bool exitOnError)
    {
        int length = text.Length;
        while (length > 0 && char.IsWhiteSpace(text[length - 1]))
        {
            length--;
        }

        Batch? batch = length == 0 ? null : new Batch(index, count, text.ToString(0, length), exitOnError, segments.ToArray(), ClipSecrets(length));
        if (text.Capacity > KeptCapacity)
        {
            // Clearing keeps a builder's capacity: after a huge batch, its memory would stay held.
            text = new StringBuilder();
        }

        Discard();
        return batch;
    }

    private void Append(ReadOnlySpan<char> line, ReadOnlySpan<char> terminator)
    {
        batchLines++;
        if (++segmentNextLine != lineNumber
            || segments.Count == 0
            || !(ReferenceEquals(segmentFile, file) || string.Equals(segmentFile, file, StringComparison.Ordinal)))
        {
            // A new run of lines: the batch's first, or after a :r, a sqlcmd line or a file change.
            segments.Add(new BatchSegment(batchLines, file, lineNumber));
            segmentFile = file;
            segmentNextLine = lineNumber;
        }

        int copied = 0;
        int i = 0;
        int n = line.Length;
        while (i < n)
        {
            switch (State)
            {
                case ParserState.Code:
                {
                    int k = line[i..].IndexOfAny(CodeStops);
                    if (k < 0)
                    {
                        i = n;
                        break;
                    }

                    i += k;
                    switch (line[i])
                    {
                        case '\'':
                            Open(ParserState.String);
                            i++;
                            break;
                        case '"':
                            Open(ParserState.QuotedIdentifier);
                            i++;
                            break;
                        case '[':
                            Open(ParserState.BracketedIdentifier);
                            i++;
                            break;
                        case '-':
                            // A -- comment runs to the end of the line: nothing in it counts.
                            i = i + 1 < n && line[i + 1] == '-' ? n : i + 1;
                            break;
                        case '/':
                            if (i + 1 < n && line[i + 1] == '*')
                            {
                                Open(ParserState.BlockComment);
                                commentDepth = 1;
                                i += 2;
                            }
                            else
                            {
                                i++;
                            }

                            break;
                        default:
                            i = Variable(line, i, ref copied);
                            break;
                    }

                    break;
                }

                case ParserState.String:
                    i = Quoted(line, i, '\'', StringStops, ref copied);
                    break;
                case ParserState.QuotedIdentifier:
                    i = Quoted(line, i, '"', QuotedStops, ref copied);
                    break;
                case ParserState.BracketedIdentifier:
                    i = Quoted(line, i, ']', BracketStops, ref copied);
                    break;
                default:
                {
                    int k = line[i..].IndexOfAny(CommentStops);
                    if (k < 0)
                    {
                        i = n;
                        break;
                    }

                    i += k;
                    if (line[i] == '/' && i + 1 < n && line[i + 1] == '*')
                    {
                        commentDepth++;
                        i += 2;
                    }
                    else if (line[i] == '*' && i + 1 < n && line[i + 1] == '/')
                    {
                        i += 2;
                        if (--commentDepth == 0)
                        {
                            State = ParserState.Code;
                        }
                    }
                    else
                    {
                        i++;
                    }

                    break;
                }
            }
        }

        // The last line of a file has no end; when a :r include ends so, the batch goes on in the
        // including file and needs one (the last one seen, to keep the file's style).
        if (terminator.IsEmpty)
        {
            text.Append(line[copied..]);
            text.Append(lastTerminator);
            return;
        }

        if (Unsafe.AreSame(ref Unsafe.Add(ref MemoryMarshal.GetReference(line), line.Length), ref MemoryMarshal.GetReference(terminator)))
        {
            // The line source hands out the end right after the line: one copy for both.
            text.Append(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetReference(line), copied), line.Length - copied + terminator.Length));
        }
        else
        {
            text.Append(line[copied..]);
            text.Append(terminator);
        }

        // Line ends are CRLF, LF or CR: the length and first character tell them apart.
        if (terminator.Length != lastTerminator.Length || terminator[0] != lastTerminator[0])
        {
            lastTerminator = terminator.ToString();
        }
    }

    /// <summary>Scans a string or identifier from <paramref name="i"/>; a doubled closing character stays inside.</summary>
    private int Quoted(ReadOnlySpan<char> line, int i, char close, SearchValues<char> stops, ref int copied)
    {
        int k = line[i..].IndexOfAny(stops);
        if (k < 0)
        {
            return line.Length;
        }

        i += k;
        if (line[i] == '$')
        {
            return Variable(line, i, ref copied);
        }

        if (i + 1 < line.Length && line[i + 1] == close)
        {
            return i + 2;
        }

        State = ParserState.Code;
        return i + 1;
    }

    /// <summary>At a '$': replaces $(NAME) by its value; returns the index after it.</summary>
    private int Variable(ReadOnlySpan<char> line, int i, ref int copied)
    {
        if (!substitute || i + 1 >= line.Length || line[i + 1] != '(')
        {
            return i + 1;
        }

        int nameStart = i + 2;
        int end = nameStart;
        while (end < line.Length && SqlCmdVariables.IsNameChar(line[end]))
        {
            end++;
        }

        if (end == nameStart || end >= line.Length || line[end] != ')')
        {
            int stop = line[i..].IndexOfAny(' ', '\t') is var space and >= 0 ? i + space : line.Length;
            throw new BatchScriptException(BatchErrorKind.MalformedVariable, file, lineNumber, line[i..Math.Min(stop, i + 40)].ToString());
        }

        var name = line[nameStart..end];
        if (!variables.TryGet(name, out string value))
        {
            throw new BatchScriptException(BatchErrorKind.UndefinedVariable, file, lineNumber, name.ToString());
        }

        text.Append(line[copied..i]);
        if (variables.IsSecret(name))
        {
            // Kept apart so that the log, the console and the checksum see ******** instead.
            secrets.Add(new Range(text.Length, text.Length + value.Length));
        }

        text.Append(value);
        copied = end + 1;
        return end + 1;
    }

    private void Open(ParserState state)
    {
        State = state;
        OpenedFile = file;
        OpenedLine = lineNumber;
    }

    private static int FirstNonBlank(ReadOnlySpan<char> line)
    {
        for (int i = 0; i < line.Length; i++)
        {
            if (!char.IsWhiteSpace(line[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>GO followed by nothing or white space (GOTO, GO; and GO-- are T-SQL text, as sqlcmd reads them).</summary>
    private static bool IsGoStart(ReadOnlySpan<char> line, int first) =>
        first + 1 < line.Length
        && (line[first + 1] | 0x20) == 'o'
        && (first + 2 == line.Length || char.IsWhiteSpace(line[first + 2]));

    /// <summary>The repeat count after GO: nothing, a positive number or $(NAME), then maybe a -- comment.</summary>
    private int ReadGoCount(ReadOnlySpan<char> rest)
    {
        var body = StripComment(rest).Trim();
        if (body.IsEmpty)
        {
            return 1;
        }

        string count = Substitute(body);
        if (int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0)
        {
            return n;
        }

        throw new BatchScriptException(BatchErrorKind.InvalidGo, file, lineNumber, body.ToString());
    }

    /// <summary>The secret ranges of the batch text, cut at its trimmed length.</summary>
    private Range[] ClipSecrets(int length)
    {
        if (secrets.Count == 0)
        {
            return [];
        }

        var kept = new List<Range>(secrets.Count);
        foreach (var range in secrets)
        {
            int start = range.Start.Value;
            int stop = Math.Min(range.End.Value, length);
            if (start < stop)
            {
                kept.Add(new Range(start, stop));
            }
        }

        return kept.ToArray();
    }

    /// <summary>The first letters of EXIT, QUIT, RESET and ED, and '!': a cheap test before the exact one, on every line of code.</summary>
    private static bool MayStartBareCommand(char c) => (c | 0x20) is 'e' or 'q' or 'r' || c == '!';

    /// <summary>EXIT, QUIT, RESET or ED as the first word of a line, or a line starting with !!.</summary>
    private static bool IsBareCommand(ReadOnlySpan<char> line)
    {
        if (line.StartsWith("!!", StringComparison.Ordinal))
        {
            return true;
        }

        int wordEnd = 0;
        while (wordEnd < line.Length && char.IsAsciiLetter(line[wordEnd]))
        {
            wordEnd++;
        }

        var word = line[..wordEnd];
        var rest = line[wordEnd..];
        bool separated = rest.IsEmpty || char.IsWhiteSpace(rest[0]) || rest.StartsWith("--", StringComparison.Ordinal);
        return word.Equals("exit", StringComparison.OrdinalIgnoreCase) ? separated || rest[0] == '('
            : (word.Equals("quit", StringComparison.OrdinalIgnoreCase)
                || word.Equals("reset", StringComparison.OrdinalIgnoreCase)
                || word.Equals("ed", StringComparison.OrdinalIgnoreCase)) && separated;
    }

    /// <summary>Reads a sqlcmd command line (after its ':', or a bare EXIT, QUIT, RESET, ED or !!).</summary>
    private ParsedLine ReadCommand(ReadOnlySpan<char> command)
    {
        if (command.StartsWith("!!", StringComparison.Ordinal))
        {
            // An operating-system command: a processing script must not run programs on the machine.
            throw new BatchScriptException(BatchErrorKind.RefusedCommand, file, lineNumber, "!!");
        }

        var body = StripComment(command).TrimEnd();
        int wordEnd = 0;
        while (wordEnd < body.Length && char.IsAsciiLetter(body[wordEnd]))
        {
            wordEnd++;
        }

        var word = body[..wordEnd];
        var args = body[wordEnd..];
        bool separated = args.IsEmpty || char.IsWhiteSpace(args[0]);
        args = args.Trim();
        if (word.Equals("exit", StringComparison.OrdinalIgnoreCase) || (separated && word.Equals("quit", StringComparison.OrdinalIgnoreCase)))
        {
            return ReadExit(word, args, body);
        }

        if (separated && word.Equals("reset", StringComparison.OrdinalIgnoreCase))
        {
            return args.IsEmpty
                ? new ParsedLine(LineKind.Reset)
                : throw new BatchScriptException(BatchErrorKind.InvalidCommand, file, lineNumber, body.ToString());
        }

        if (separated && word.Equals("ed", StringComparison.OrdinalIgnoreCase))
        {
            // Opens an editor on the batch: nobody is there to use it in an automated run.
            throw new BatchScriptException(BatchErrorKind.RefusedCommand, file, lineNumber, body.ToString());
        }

        if (separated && word.Equals("setvar", StringComparison.OrdinalIgnoreCase))
        {
            return ReadSetVar(args, body);
        }

        if (separated && word.Equals("r", StringComparison.OrdinalIgnoreCase))
        {
            if (args.Length >= 2 && args[0] == '"' && args[^1] == '"')
            {
                args = args[1..^1];
            }

            return args.IsEmpty
                ? throw new BatchScriptException(BatchErrorKind.InvalidCommand, file, lineNumber, ":" + body.ToString())
                : new ParsedLine(LineKind.Include, Value: Substitute(args));
        }

        if (separated && word.Equals("on", StringComparison.OrdinalIgnoreCase))
        {
            var words = args.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 2 && words[0].Equals("error", StringComparison.OrdinalIgnoreCase))
            {
                if (words[1].Equals("exit", StringComparison.OrdinalIgnoreCase))
                {
                    return new ParsedLine(LineKind.OnError, ExitOnError: true);
                }

                if (words[1].Equals("ignore", StringComparison.OrdinalIgnoreCase))
                {
                    return new ParsedLine(LineKind.OnError, ExitOnError: false);
                }
            }

            throw new BatchScriptException(BatchErrorKind.InvalidCommand, file, lineNumber, ":" + body.ToString());
        }

        throw new BatchScriptException(BatchErrorKind.UnsupportedCommand, file, lineNumber, ":" + (word.IsEmpty ? body : word).ToString());
    }

    /// <summary>EXIT, QUIT, EXIT() or EXIT(query): the last one is refused (its value would be the exit status).</summary>
    private ParsedLine ReadExit(ReadOnlySpan<char> word, ReadOnlySpan<char> args, ReadOnlySpan<char> body)
    {
        if (args.IsEmpty)
        {
            return new ParsedLine(LineKind.Exit);
        }

        if (word.Equals("exit", StringComparison.OrdinalIgnoreCase) && args[0] == '(' && args[^1] == ')')
        {
            return args[1..^1].IsWhiteSpace()
                ? new ParsedLine(LineKind.Exit, RunPending: true)
                : throw new BatchScriptException(BatchErrorKind.ExitQueryRefused, file, lineNumber, body.ToString());
        }

        throw new BatchScriptException(BatchErrorKind.InvalidCommand, file, lineNumber, body.ToString());
    }

    private ParsedLine ReadSetVar(ReadOnlySpan<char> args, ReadOnlySpan<char> body)
    {
        int nameEnd = 0;
        while (nameEnd < args.Length && !char.IsWhiteSpace(args[nameEnd]))
        {
            nameEnd++;
        }

        var name = args[..nameEnd];
        var raw = args[nameEnd..].Trim();
        if (!SqlCmdVariables.IsValidName(name))
        {
            throw new BatchScriptException(BatchErrorKind.InvalidCommand, file, lineNumber, ":" + body.ToString());
        }

        if (raw.IsEmpty)
        {
            // sqlcmd: ":setvar NAME" with no value removes the variable.
            return new ParsedLine(LineKind.SetVar, Name: name.ToString());
        }

        return SqlCmdVariables.TryParseValue(raw, out string value)
            ? new ParsedLine(LineKind.SetVar, Name: name.ToString(), Value: value)
            : throw new BatchScriptException(BatchErrorKind.InvalidCommand, file, lineNumber, ":" + body.ToString());
    }

    /// <summary>Replaces $(NAME) in a command argument.</summary>
    private string Substitute(ReadOnlySpan<char> value)
    {
        if (!substitute || value.IndexOf("$(", StringComparison.Ordinal) < 0)
        {
            return value.ToString();
        }

        int mark = text.Length;
        int marks = secrets.Count;
        int copied = 0;
        int i = 0;
        while (i < value.Length)
        {
            i = value[i] == '$' ? Variable(value, i, ref copied) : i + 1;
        }

        text.Append(value[copied..]);
        string result = text.ToString(mark, text.Length - mark);
        text.Length = mark;
        secrets.RemoveRange(marks, secrets.Count - marks);
        return result;
    }

    /// <summary>
    /// Cuts a trailing -- comment from a GO or sqlcmd line: "--" at the start or after white
    /// space, outside double quotes (go-sqlcmd's rule).
    /// </summary>
    private static ReadOnlySpan<char> StripComment(ReadOnlySpan<char> line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '-' && i + 1 < line.Length && line[i + 1] == '-' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }
}
