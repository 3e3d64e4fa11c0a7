using System.Buffers;
using System.Globalization;
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
/// The sqlcmd batch parser, with its state explicit (as go-sqlcmd's Batch is), so that it is
/// tested without files or servers. It knows T-SQL's lexical rules that matter for splitting:
/// '...' strings (<c>''</c> inside), "..." and [...] identifiers (<c>""</c> and <c>]]</c> inside),
/// -- comments and nested /* */ comments. A line is a GO or sqlcmd line only when it starts in
/// code; $(NAME) is replaced in code, strings and identifiers, never in comments. Text is kept as
/// it was written (line ends included), so server line numbers map back to file lines.
/// </summary>
/// <remarks>
/// Two ways in, one set of rules: <see cref="Feed"/> takes one line at a time; the batch reader
/// hands the parser a decoded block instead (<see cref="Next"/>), which it scans with vectorised
/// searches for the characters that matter in the current state (quotes, brackets, comment
/// openers, <c>$</c>, line ends), looking at a line's start only in code, for GO and sqlcmd
/// commands. A batch that is one run of one file (up to 1 Mi characters) stays where it was
/// decoded until its string is made: its text is copied once.
/// </remarks>
public sealed class BatchParser
{
    /// <summary>
    /// The largest window a batch is held in place in (1 Mi characters, 2 MB): a larger batch
    /// goes on in the chunks of the batch buffer, which are reused by the batches that follow,
    /// so that a batch of 50 MB costs about its size once while it is read.
    /// </summary>
    private const int MaxHeldInPlace = 1024 * 1024;

    /// <summary>
    /// How many characters of a literal, a quoted name or a comment <see cref="SkipQuoted"/> and
    /// <see cref="NextCommentStop"/> compare one by one before a vectorised search, whose set-up
    /// costs more than most literals, names and comment lines are long.
    /// </summary>
    private const int ShortRun = 24;

    private static readonly SearchValues<char> CodeStops = SearchValues.Create("'\"[-/$");
    private static readonly SearchValues<char> StringStops = SearchValues.Create("'$");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"$");
    private static readonly SearchValues<char> BracketStops = SearchValues.Create("]$");
    private static readonly SearchValues<char> CommentStops = SearchValues.Create("/*");

    // The same, with the line ends: a block holds many lines.
    private static readonly SearchValues<char> CodeScan = SearchValues.Create("'\"[-/$\r\n");
    private static readonly SearchValues<char> StringScan = SearchValues.Create("'$\r\n");
    private static readonly SearchValues<char> QuotedScan = SearchValues.Create("\"$\r\n");
    private static readonly SearchValues<char> BracketScan = SearchValues.Create("]$\r\n");
    private static readonly SearchValues<char> CommentScan = SearchValues.Create("/*\r\n");

    // The batch text, when it is not held in place in a window (see resident).
    private readonly TextChunks text = new();

    // The batch text while it is one run of one window: [residentStart, residentEnd) of resident.Buffer.
    private TextWindow? resident;
    private int residentStart;
    private int residentEnd;

    private readonly List<BatchSegment> segments = [];
    private readonly List<Range> secrets = [];
    private readonly SqlCmdVariables variables;
    private readonly bool substitute;
    private int batchLines;
    private string segmentFile = string.Empty;
    private int segmentNextLine;
    private bool segmentPending = true;
    private TextWindow? window;
    private bool lineComment;
    private bool terminatorOwed;

    // Characters that $(NAME) values added to the current line beyond the references they
    // replace: the limit counts a line as written, its batch as substituted (as when fed lines).
    private long lineGrowth;
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

    private enum LineStart
    {
        NeedMore,
        Text,
        Skipped,
        Command,
    }

    private enum ScanStop
    {
        NeedMore,
        LineStart,
        End,
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
    public int PendingLength => (resident is null ? text.Length : residentEnd - residentStart) + (terminatorOwed ? lastTerminator.Length : 0);

    /// <summary>The longest batch, in characters (<see cref="BatchReaderOptions.MaxBatchLength"/>): <see cref="Next"/> throws <see cref="LineTooLongException"/> past it.</summary>
    internal int MaxLength { get; init; } = int.MaxValue;

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
            else if (Classify(line, first) is { } command)
            {
                return command;
            }
        }

        Append(line, terminator);
        return ParsedLine.TextLine;
    }

    /// <summary>
    /// Reads <paramref name="source"/> (a file named <paramref name="fileName"/>) up to its next
    /// line that is not T-SQL text (GO, a sqlcmd command), the text before it added to the batch;
    /// false at the end of the source. Throws <see cref="BatchScriptException"/> as
    /// <see cref="Feed"/> does, <see cref="LineTooLongException"/> when the batch or a line passes
    /// <see cref="MaxLength"/> (at the source's line <see cref="TextWindow.LineNumber"/> + 1).
    /// </summary>
    internal bool Next(TextWindow source, string fileName, out ParsedLine parsed)
    {
        file = fileName;
        if (!ReferenceEquals(source, window))
        {
            // Another file (an include, or back from one): its lines are a new run of the batch.
            window = source;
            segmentPending = true;
        }

        char[] b = source.Buffer;
        int p = source.Position;
        int e = source.End;
        int runStart = p;
        while (true)
        {
            if (source.AtLineStart)
            {
                if (p == e)
                {
                    if (!source.Eof)
                    {
                        Refill(source, ref b, ref p, ref e, ref runStart);
                        continue;
                    }

                    Flush(source, runStart, p);
                    source.Position = p;
                    parsed = default;
                    return false;
                }

                if (State == ParserState.Code)
                {
                    switch (AtLineStart(source, b, ref p, e, ref runStart, out parsed))
                    {
                        case LineStart.NeedMore:
                            Refill(source, ref b, ref p, ref e, ref runStart);
                            continue;
                        case LineStart.Skipped:
                            continue;
                        case LineStart.Command:
                            source.Position = p;
                            return true;
                    }
                }
                else
                {
                    // A line inside a string, identifier or comment: text, within the batch's run.
                    batchLines++;
                }

                source.AtLineStart = false;
            }
            else if (p == e)
            {
                if (!source.Eof)
                {
                    Refill(source, ref b, ref p, ref e, ref runStart);
                    continue;
                }

                // The last line of a file has no end; when a :r include ends so, the batch goes on in
                // the including file and needs one (the last one seen, to keep the file's style).
                if ((long)PendingLength + (p - runStart) - lineGrowth > MaxLength)
                {
                    throw new LineTooLongException();
                }

                Flush(source, runStart, p);
                runStart = p;
                lineGrowth = 0;
                terminatorOwed = true;
                lineComment = false;
                source.LineNumber++;
                source.AtLineStart = true;
                continue;
            }

            if (Scan(source, b, ref p, e, ref runStart) == ScanStop.NeedMore)
            {
                Refill(source, ref b, ref p, ref e, ref runStart);
            }
        }
    }

    /// <summary>Empties the current batch (RESET, or EXIT that discards it).</summary>
    public void Discard()
    {
        text.Clear();
        resident = null;
        terminatorOwed = false;
        segments.Clear();
        secrets.Clear();
        batchLines = 0;
        segmentPending = true;
    }

    /// <summary>
    /// Ends the current batch: returns it (null when it holds only white space) and starts a new one.
    /// </summary>
    public Batch? Complete(int index, int count, bool exitOnError)
    {
        // An end owed to a file's last line is white space at the end: trimmed, so never written.
        int length;
        string? batchText = null;
        if (resident is not null)
        {
            var held = resident.Buffer.AsSpan(residentStart, residentEnd - residentStart);
            length = held.Length;
            while (length > 0 && char.IsWhiteSpace(held[length - 1]))
            {
                length--;
            }

            batchText = length == 0 ? null : new string(held[..length]);
        }
        else
        {
            length = text.TrimmedLength();
            batchText = length == 0 ? null : text.ToString(length);
        }

        Batch? batch = batchText is null ? null : new Batch(index, count, batchText, exitOnError, segments.ToArray(), ClipSecrets(length));
        if (length <= TextWindow.BlockSize)
        {
            // The memory taken by a huge batch is kept while huge batches follow (they reuse it),
            // given back after the first batch that fits in a block.
            window?.ReleaseGrown();
            text.Release();
        }

        Discard();
        return batch;
    }

    /// <summary>Gives back the memory a large batch took (its chunks, a grown window): the caller is done with it.</summary>
    internal void ReleaseBuffers()
    {
        text.Release();
        window?.ReleaseGrown();
    }

    /// <summary>Looks at a line that starts in code: a blank line before any text, GO, a sqlcmd command, or text.</summary>
    private LineStart AtLineStart(TextWindow source, char[] b, ref int p, int e, ref int runStart, out ParsedLine parsed)
    {
        parsed = default;
        int i = p;
        while (i < e && b[i] is not ('\n' or '\r') && char.IsWhiteSpace(b[i]))
        {
            i++;
        }

        if (i == e && !source.Eof)
        {
            return LineStart.NeedMore;
        }

        bool blank = i == e || b[i] is '\n' or '\r';
        if (!blank && !MayStartCommand(b[i]))
        {
            TextLineBegins(source);
            return LineStart.Text;
        }

        if (blank && batchLines > 0)
        {
            TextLineBegins(source);
            return LineStart.Text;
        }

        // A command, maybe: the whole line is needed.
        int k = b.AsSpan(i, e - i).IndexOfAny('\r', '\n');
        if (k < 0 && !source.Eof)
        {
            return LineStart.NeedMore;
        }

        int lineEnd = k < 0 ? e : i + k;
        int terminator = 0;
        if (lineEnd < e)
        {
            if (b[lineEnd] == '\n')
            {
                terminator = 1;
            }
            else if (lineEnd + 1 < e)
            {
                terminator = b[lineEnd + 1] == '\n' ? 2 : 1;
            }
            else if (!source.Eof)
            {
                return LineStart.NeedMore;
            }
            else
            {
                terminator = 1;
            }
        }

        // Every line counts against the limit, a GO or command line too (as when lines were fed one by one).
        if ((long)PendingLength + (p - runStart) + (lineEnd - p) + terminator > MaxLength)
        {
            throw new LineTooLongException();
        }

        lineNumber = source.LineNumber + 1;
        var line = b.AsSpan(p, lineEnd - p);
        ParsedLine? command = blank ? null : Classify(line, i - p);
        if (!blank && command is null)
        {
            TextLineBegins(source);
            return LineStart.Text;
        }

        Flush(source, runStart, p);
        p = lineEnd + terminator;
        runStart = p;
        source.LineNumber++;
        if (blank)
        {
            return LineStart.Skipped;
        }

        parsed = command!.Value;
        segmentPending = true;
        return LineStart.Command;
    }

    /// <summary>
    /// Scans text from <paramref name="p"/>: to the end of a line that ends in code (the next
    /// line's start must be looked at), to the end of the block, or to a character whose meaning
    /// depends on the next one, not read yet (NeedMore: <paramref name="p"/> stays on it).
    /// </summary>
    private ScanStop Scan(TextWindow source, char[] b, ref int p, int e, ref int runStart)
    {
        bool eof = source.Eof;
        while (true)
        {
            if (p >= e)
            {
                return ScanStop.End;
            }

            int k;
            switch (State)
            {
                case ParserState.Code:
                    if (lineComment)
                    {
                        // A -- comment runs to the end of the line: nothing in it counts.
                        k = b.AsSpan(p, e - p).IndexOfAny('\r', '\n');
                        if (k < 0)
                        {
                            p = e;
                            return ScanStop.End;
                        }

                        p += k;
                        break;
                    }

                    k = b.AsSpan(p, e - p).IndexOfAny(CodeScan);
                    if (k < 0)
                    {
                        p = e;
                        return ScanStop.End;
                    }

                    p += k;
                    switch (b[p])
                    {
                        case '\'':
                            if (!SkipQuoted(b, ref p, e, '\'', StringScan))
                            {
                                Open(ParserState.String, source);
                                p++;
                            }

                            continue;
                        case '"':
                            if (!SkipQuoted(b, ref p, e, '"', QuotedScan))
                            {
                                Open(ParserState.QuotedIdentifier, source);
                                p++;
                            }

                            continue;
                        case '[':
                            if (!SkipQuoted(b, ref p, e, ']', BracketScan))
                            {
                                Open(ParserState.BracketedIdentifier, source);
                                p++;
                            }

                            continue;
                        case '-':
                            if (p + 1 == e && !eof)
                            {
                                return ScanStop.NeedMore;
                            }

                            if (p + 1 < e && b[p + 1] == '-')
                            {
                                lineComment = true;
                                p += 2;
                            }
                            else
                            {
                                p++;
                            }

                            continue;
                        case '/':
                            if (p + 1 == e && !eof)
                            {
                                return ScanStop.NeedMore;
                            }

                            if (p + 1 < e && b[p + 1] == '*')
                            {
                                if (!SkipBlockComment(b, ref p, e))
                                {
                                    Open(ParserState.BlockComment, source);
                                    commentDepth = 1;
                                    p += 2;
                                }
                            }
                            else
                            {
                                p++;
                            }

                            continue;
                        case '$':
                            if (!Dollar(source, b, ref p, e, ref runStart))
                            {
                                return ScanStop.NeedMore;
                            }

                            continue;
                    }

                    break;
                case ParserState.String:
                case ParserState.QuotedIdentifier:
                case ParserState.BracketedIdentifier:
                {
                    char close = State == ParserState.String ? '\'' : State == ParserState.QuotedIdentifier ? '"' : ']';
                    k = b.AsSpan(p, e - p).IndexOfAny(State == ParserState.String ? StringScan : State == ParserState.QuotedIdentifier ? QuotedScan : BracketScan);
                    if (k < 0)
                    {
                        p = e;
                        return ScanStop.End;
                    }

                    p += k;
                    char c = b[p];
                    if (c == close)
                    {
                        if (p + 1 == e && !eof)
                        {
                            // '' or ]] (still inside) or the end: the next character tells.
                            return ScanStop.NeedMore;
                        }

                        if (p + 1 < e && b[p + 1] == close)
                        {
                            p += 2;
                        }
                        else
                        {
                            State = ParserState.Code;
                            p++;
                        }

                        continue;
                    }

                    if (c == '$')
                    {
                        if (!Dollar(source, b, ref p, e, ref runStart))
                        {
                            return ScanStop.NeedMore;
                        }

                        continue;
                    }

                    break;
                }

                default:
                {
                    k = NextCommentStop(b, p, e);
                    if (k < 0)
                    {
                        p = e;
                        return ScanStop.End;
                    }

                    p = k;
                    char c = b[p];
                    if (c is '/' or '*')
                    {
                        if (p + 1 == e && !eof)
                        {
                            return ScanStop.NeedMore;
                        }

                        if (c == '/' && p + 1 < e && b[p + 1] == '*')
                        {
                            commentDepth++;
                            p += 2;
                        }
                        else if (c == '*' && p + 1 < e && b[p + 1] == '/')
                        {
                            p += 2;
                            if (--commentDepth == 0)
                            {
                                State = ParserState.Code;
                            }
                        }
                        else
                        {
                            p++;
                        }

                        continue;
                    }

                    break;
                }
            }

            // b[p] ends a line: CRLF, LF or CR (a CR at the end of the block may be half of a CRLF).
            int terminator = 1;
            if (b[p] == '\r')
            {
                if (p + 1 < e)
                {
                    terminator = b[p + 1] == '\n' ? 2 : 1;
                }
                else if (!eof)
                {
                    return ScanStop.NeedMore;
                }
            }

            if ((long)PendingLength + (p + terminator - runStart) - lineGrowth > MaxLength)
            {
                throw new LineTooLongException();
            }

            lineGrowth = 0;

            if (terminator != lastTerminator.Length || b[p] != lastTerminator[0])
            {
                lastTerminator = terminator == 2 ? "\r\n" : b[p] == '\n' ? "\n" : "\r";
            }

            p += terminator;
            source.LineNumber++;
            lineComment = false;
            if (State == ParserState.Code)
            {
                // Most lines of code start with text: seen here without leaving the scan (the
                // batch has text, so no segment starts); anything else is for AtLineStart.
                int q = p;
                while (q < e && b[q] is ' ' or '\t')
                {
                    q++;
                }

                if (q < e && b[q] is var first && (first < 128 ? first > ' ' : !char.IsWhiteSpace(first)) && !MayStartCommand(first))
                {
                    batchLines++;
                    p = q;
                    continue;
                }

                source.AtLineStart = true;
                return ScanStop.LineStart;
            }

            if (p < e)
            {
                batchLines++;
            }
            else
            {
                source.AtLineStart = true;
                return ScanStop.End;
            }
        }
    }

    /// <summary>
    /// At the opening character b[p] of a literal or a quoted name: when it closes on this line and
    /// in this block, with no '$' in it, moves p past its closing character and returns true;
    /// otherwise returns false and moves nothing, and the scan opens the state as before. Settled
    /// here, a literal costs no state change and no dispatch per stop: its first
    /// <see cref="ShortRun"/> characters are compared one by one, the rest searched.
    /// </summary>
    private static bool SkipQuoted(char[] b, ref int p, int e, char close, SearchValues<char> scan)
    {
        int q = p + 1;
        int limit = Math.Min(e - 1, p + ShortRun);
        while (q < limit)
        {
            char c = b[q];
            if (c == close)
            {
                // q + 1 < e: the character after it is in this block and tells a doubled one from the end.
                if (b[q + 1] != close)
                {
                    p = q + 1;
                    return true;
                }

                q += 2;
            }
            else if (c is '$' or '\r' or '\n')
            {
                return false;
            }
            else
            {
                q++;
            }
        }

        while (q < e)
        {
            int k = b.AsSpan(q, e - q).IndexOfAny(scan);
            if (k < 0)
            {
                return false;
            }

            q += k;
            if (b[q] != close || q + 1 == e)
            {
                // '$', a line end, or a closing character whose next one is in the next block.
                return false;
            }

            if (b[q + 1] != close)
            {
                p = q + 1;
                return true;
            }

            q += 2;
        }

        return false;
    }

    /// <summary>
    /// At the "/*" at b[p]: when the comment (nested ones included) closes on this line and in
    /// this block, moves p past its last "*/" and returns true; otherwise returns false and moves
    /// nothing, and the scan opens the comment as before. A comment such as <c>/* étape 1 */</c>
    /// then costs no state change and no dispatch per stop.
    /// </summary>
    private static bool SkipBlockComment(char[] b, ref int p, int e)
    {
        int depth = 1;
        int q = p + 2;
        while (q < e)
        {
            int k = NextCommentStop(b, q, e);
            if (k < 0)
            {
                return false;
            }

            char c = b[k];
            if (c is '\r' or '\n' || k + 1 == e)
            {
                // A line end, or a '/' or '*' whose next character is in the next block.
                return false;
            }

            if (c == '*' && b[k + 1] == '/')
            {
                q = k + 2;
                if (--depth == 0)
                {
                    p = q;
                    return true;
                }
            }
            else if (c == '/' && b[k + 1] == '*')
            {
                depth++;
                q = k + 2;
            }
            else
            {
                q = k + 1;
            }
        }

        return false;
    }

    /// <summary>
    /// The first '/', '*' or line end in b[from..e), -1 when there is none: comment lines are
    /// short, so the first <see cref="ShortRun"/> characters are compared one by one, the rest searched.
    /// </summary>
    private static int NextCommentStop(char[] b, int from, int e)
    {
        if (from + ShortRun <= e)
        {
            for (int q = from; q < from + ShortRun; q++)
            {
                if (b[q] is '/' or '*' or '\r' or '\n')
                {
                    return q;
                }
            }

            from += ShortRun;
        }

        int k = b.AsSpan(from, e - from).IndexOfAny(CommentScan);
        return k < 0 ? -1 : from + k;
    }

    /// <summary>At a '$' in code, a string or an identifier: replaces $(NAME); false when the rest of the line is not read yet.</summary>
    private bool Dollar(TextWindow source, char[] b, ref int p, int e, ref int runStart)
    {
        if (!substitute)
        {
            p++;
            return true;
        }

        if (p + 1 == e)
        {
            if (!source.Eof)
            {
                return false;
            }

            p++;
            return true;
        }

        if (b[p + 1] != '(')
        {
            p++;
            return true;
        }

        int k = b.AsSpan(p, e - p).IndexOfAny('\r', '\n');
        if (k < 0 && !source.Eof)
        {
            return false;
        }

        int lineEnd = k < 0 ? e : p + k;
        if (lineEnd + 1 == e && b[lineEnd] == '\r' && !source.Eof)
        {
            // The limit below counts the line's end: CR or CRLF.
            return false;
        }

        lineNumber = source.LineNumber + 1;
        int after;
        string value;
        bool secret;
        try
        {
            after = Expand(b.AsSpan(p, lineEnd - p), out value, out secret);
        }
        catch (BatchScriptException)
        {
            // Fed lines were measured against the limit before they were read: that error comes first.
            int terminator = lineEnd == e ? 0 : b[lineEnd] == '\r' && lineEnd + 1 < e && b[lineEnd + 1] == '\n' ? 2 : 1;
            if ((long)PendingLength + (lineEnd + terminator - runStart) - lineGrowth > MaxLength)
            {
                throw new LineTooLongException();
            }

            throw;
        }

        Flush(source, runStart, p);
        AppendValue(value, secret);
        lineGrowth += value.Length - after;
        p += after;
        runStart = p;
        return true;
    }

    /// <summary>Hands the parser more of the source; everything the parser holds in the window moves with it.</summary>
    private void Refill(TextWindow source, ref char[] b, ref int p, ref int e, ref int runStart)
    {
        Flush(source, runStart, p);
        if (PendingLength - lineGrowth > MaxLength)
        {
            throw new LineTooLongException();
        }

        bool held = ReferenceEquals(resident, source);
        if (held && (residentEnd != p || (source.End - residentStart >= source.Buffer.Length && source.Buffer.Length >= MaxHeldInPlace)))
        {
            // Lines that are not text (GO n, sqlcmd commands) follow the batch held in place: it
            // will not be one run, and the window should not keep them. Or the batch fills the
            // largest window it may be held in: it goes on in the builder, the window shrinks back.
            Prepare();
            held = false;
            source.ReleaseGrown();
        }

        source.Position = p;
        int moved = source.Fill(held ? residentStart : p);
        if (held)
        {
            residentStart -= moved;
            residentEnd -= moved;
        }

        b = source.Buffer;
        p = source.Position;
        e = source.End;
        runStart = p;
    }

    /// <summary>Adds [<paramref name="from"/>, <paramref name="to"/>) of the window to the batch: in place when it continues the batch's run.</summary>
    private void Flush(TextWindow source, int from, int to)
    {
        if (to <= from)
        {
            return;
        }

        if (ReferenceEquals(resident, source) && residentEnd == from && !terminatorOwed)
        {
            residentEnd = to;
            return;
        }

        if (resident is null && text.Length == 0 && !terminatorOwed)
        {
            resident = source;
            residentStart = from;
            residentEnd = to;
            return;
        }

        AppendText(source.Buffer.AsSpan(from, to - from));
    }

    /// <summary>A line of text begins: counted, and the first of a run of the batch starts a segment.</summary>
    private void TextLineBegins(TextWindow source)
    {
        batchLines++;
        if (segmentPending)
        {
            segments.Add(new BatchSegment(batchLines, file, source.LineNumber + 1));
            segmentPending = false;
        }
    }

    private void AppendValue(string value, bool secret)
    {
        Prepare();
        if (secret)
        {
            // Kept apart so that the log, the console and the checksum see ******** instead.
            secrets.Add(new Range(text.Length, text.Length + value.Length));
        }

        Write(value);
    }

    /// <summary>Appends to the batch buffer, after the text held in place, if any, and an owed line end.</summary>
    private void AppendText(ReadOnlySpan<char> chars)
    {
        Prepare();
        Write(chars);
    }

    /// <summary>
    /// The batch is no longer one run of one window: the text held in place moves into the batch
    /// buffer, then the line end owed to a file's last line, if any.
    /// </summary>
    private void Prepare()
    {
        if (resident is not null)
        {
            var held = resident.Buffer.AsSpan(residentStart, residentEnd - residentStart);
            resident = null;
            Write(held);
        }

        if (terminatorOwed)
        {
            terminatorOwed = false;
            Write(lastTerminator);
        }
    }

    private void Write(ReadOnlySpan<char> chars) => text.Append(chars);

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

        AppendText(line[copied..]);
        if (terminator.IsEmpty)
        {
            // The last line of a file has no end: the batch may go on in the including file.
            AppendText(lastTerminator);
            return;
        }

        AppendText(terminator);

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

    /// <summary>At a '$' of a fed line: replaces $(NAME) by its value; returns the index after it.</summary>
    private int Variable(ReadOnlySpan<char> line, int i, ref int copied)
    {
        if (!substitute || i + 1 >= line.Length || line[i + 1] != '(')
        {
            return i + 1;
        }

        int after = i + Expand(line[i..], out string value, out bool secret);
        AppendText(line[copied..i]);
        AppendValue(value, secret);
        copied = after;
        return after;
    }

    /// <summary>
    /// <paramref name="line"/> starts with "$(" and runs to the end of its line: the value of the
    /// variable it names and the length of the reference; a typed error when it is malformed or unset.
    /// </summary>
    private int Expand(ReadOnlySpan<char> line, out string value, out bool secret)
    {
        const int nameStart = 2;
        int end = nameStart;
        while (end < line.Length && SqlCmdVariables.IsNameChar(line[end]))
        {
            end++;
        }

        if (end == nameStart || end >= line.Length || line[end] != ')')
        {
            int stop = line.IndexOfAny(' ', '\t') is var space and >= 0 ? space : line.Length;
            throw new BatchScriptException(BatchErrorKind.MalformedVariable, file, lineNumber, line[..Math.Min(stop, 40)].ToString());
        }

        var name = line[nameStart..end];
        if (!variables.TryGet(name, out value))
        {
            throw new BatchScriptException(BatchErrorKind.UndefinedVariable, file, lineNumber, name.ToString());
        }

        secret = variables.IsSecret(name);
        return end + 1;
    }

    private void Open(ParserState state)
    {
        State = state;
        OpenedFile = file;
        OpenedLine = lineNumber;
    }

    private void Open(ParserState state, TextWindow source)
    {
        State = state;
        if (!ReferenceEquals(OpenedFile, file))
        {
            // Written only when it changes: a reference store costs a write barrier, at every quote.
            OpenedFile = file;
        }

        OpenedLine = source.LineNumber + 1;
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

    /// <summary>The first characters of GO, sqlcmd commands (':') and the bare ones: a cheap test at each line's start.</summary>
    private static bool MayStartCommand(char c) => (c | 0x20) is 'g' or 'e' or 'q' or 'r' || c is ':' or '!';

    /// <summary>A line starting in code, its first non-blank character at <paramref name="first"/>: GO, a sqlcmd command, or null for text.</summary>
    private ParsedLine? Classify(ReadOnlySpan<char> line, int first)
    {
        if ((line[first] | 0x20) == 'g' && IsGoStart(line, first))
        {
            return new ParsedLine(LineKind.Go, GoCount: ReadGoCount(line[(first + 2)..]));
        }

        if (line[first] == ':' && !(first + 1 < line.Length && line[first + 1] == ':'))
        {
            // '::' opens T-SQL's legacy function syntax (::fn_...), never a sqlcmd command.
            return ReadCommand(line[(first + 1)..]);
        }

        if (MayStartBareCommand(line[first]) && IsBareCommand(line[first..]))
        {
            // sqlcmd reads EXIT, QUIT, RESET, ED and !! without a colon at the start of a line.
            return ReadCommand(line[first..]);
        }

        return null;
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

        var result = new StringBuilder(value.Length);
        int copied = 0;
        int i = 0;
        while (i < value.Length)
        {
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '(')
            {
                int after = i + Expand(value[i..], out string replacement, out _);
                result.Append(value[copied..i]).Append(replacement);
                copied = after;
                i = after;
            }
            else
            {
                i++;
            }
        }

        return result.Append(value[copied..]).ToString();
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
