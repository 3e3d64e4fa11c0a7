using System.Text;

namespace CrmDb.Runner.Batches;

/// <summary>How a script is read: variables and whether $(NAME) is replaced at all.</summary>
public sealed record BatchReaderOptions
{
    /// <summary>The --variable values; each script starts from these.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>False to leave $(NAME) as it is (sqlcmd -x).</summary>
    public bool SubstituteVariables { get; init; } = true;

    /// <summary>Opens a file (a script or a :r include); by default <see cref="ScriptText.Open"/>.</summary>
    public Func<string, TextReader> Open { get; init; } = ScriptText.Open;

    /// <summary>Names of variables whose values are secret whatever their name (--secret-variable).</summary>
    public IReadOnlyCollection<string> SecretVariables { get; init; } = [];

    /// <summary>How deep :r may nest (the script itself is level 0). sqlcmd has no limit; 5,000 levels took 1.6 GB.</summary>
    public int MaxIncludeDepth { get; init; } = DefaultMaxIncludeDepth;

    /// <summary>The longest line and the longest batch, in characters.</summary>
    public int MaxBatchLength { get; init; } = DefaultMaxBatchLength;

    /// <summary>The default <see cref="MaxIncludeDepth"/>.</summary>
    public const int DefaultMaxIncludeDepth = 100;

    /// <summary>The default <see cref="MaxBatchLength"/>: 512 Mi characters (512 MiB of ASCII text).</summary>
    public const int DefaultMaxBatchLength = 512 * 1024 * 1024;
}

/// <summary>
/// Splits one script into batches, streaming: batches come out one by one as the file is read,
/// so memory is bounded by the largest batch, not by the file. Handles :setvar, :r (relative to
/// the including file, cycles refused) and :on error; any problem is a
/// <see cref="BatchScriptException"/> naming the file and line.
/// </summary>
public sealed class BatchReader(BatchReaderOptions options)
{
    /// <summary>From this many characters (16 MB as a .NET string) a batch is collected as soon as the caller moves on.</summary>
    private const int LargeBatch = 8 * 1024 * 1024;

    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The batches of the script file <paramref name="path"/>.</summary>
    public IEnumerable<Batch> Read(string path)
    {
        string fullPath = Path.GetFullPath(path);
        return new BatchHandoff(slot => Read(path, Path.GetDirectoryName(fullPath)!, () => OpenFile(fullPath, path, null, 0), fullPath, slot));
    }

    /// <summary>
    /// The batches of a script read from <paramref name="reader"/>, named <paramref name="name"/>
    /// in messages; :r paths are relative to <paramref name="baseDirectory"/>.
    /// </summary>
    public IEnumerable<Batch> Read(TextReader reader, string name, string baseDirectory) =>
        new BatchHandoff(slot => Read(name, baseDirectory, () => reader, Path.GetFullPath(Path.Combine(baseDirectory, name)), slot));

    private IEnumerable<BatchSlot> Read(string name, string baseDirectory, Func<TextReader> open, string fullPath, BatchSlot slot)
    {
        var variables = new SqlCmdVariables(options.Variables, options.SecretVariables);
        var parser = new BatchParser(variables, options.SubstituteVariables) { MaxLength = options.MaxBatchLength };
        var stack = new Stack<Frame>();
        bool exitOnError = false;
        int index = 0;
        try
        {
            stack.Push(new Frame(name, fullPath, baseDirectory, new TextWindow(open(), options.MaxBatchLength)));
            while (stack.Count > 0)
            {
                var frame = stack.Peek();
                if (!ReadLine(frame, parser, out ParsedLine parsed))
                {
                    if (parser.State != ParserState.Code)
                    {
                        throw Unterminated(parser);
                    }

                    stack.Pop().Source.Dispose();
                    continue;
                }

                switch (parsed.Kind)
                {
                    case LineKind.Go:
                        var batch = parser.Complete(index + 1, parsed.GoCount, exitOnError);
                        if (batch is not null)
                        {
                            index++;
                            bool large = batch.Text.Length >= LargeBatch;
                            slot.Batch = batch;
                            batch = null;
                            yield return slot;
                            if (large)
                            {
                                parser.ReleaseBuffers();
                                ReleaseLargeBatch();
                            }
                        }

                        break;
                    case LineKind.SetVar:
                        if (parsed.Value is null)
                        {
                            if (!variables.Unset(parsed.Name!))
                            {
                                throw new BatchScriptException(BatchErrorKind.UndefinedVariable, frame.Name, frame.Source.LineNumber, parsed.Name);
                            }
                        }
                        else
                        {
                            variables.Set(parsed.Name!, parsed.Value);
                        }

                        break;
                    case LineKind.Include:
                        stack.Push(Include(stack, frame, parsed.Value!));
                        break;
                    case LineKind.OnError:
                        exitOnError = parsed.ExitOnError;
                        break;
                    case LineKind.Reset:
                        parser.Discard();
                        break;
                    case LineKind.Exit:
                        if (parsed.RunPending && parser.Complete(index + 1, 1, exitOnError) is { } pending)
                        {
                            index++;
                            slot.Batch = pending;
                            yield return slot;
                        }

                        // Nothing after EXIT is read: the run ends here, as under sqlcmd.
                        parser.Discard();
                        slot.Batch = Batch.Exit(index, frame.Name, frame.Source.LineNumber);
                        yield return slot;
                        yield break;
                }
            }

            var last = parser.Complete(index + 1, 1, exitOnError);
            if (last is not null)
            {
                slot.Batch = last;
                yield return slot;
            }
        }
        finally
        {
            while (stack.Count > 0)
            {
                stack.Pop().Source.Dispose();
            }
        }
    }

    /// <summary>
    /// The caller is done with a large batch (it asked for the next one): its text is collected
    /// now. Large strings live in the large object heap, collected only when its budget runs out;
    /// without this, eight batches of 50 MB held twice the memory of one.
    /// </summary>
    private static void ReleaseLargeBatch() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);

    private bool ReadLine(Frame frame, BatchParser parser, out ParsedLine parsed)
    {
        try
        {
            // The text up to the next GO or sqlcmd line goes into the batch; the line limit and the
            // batch limit are the parser's (a LineTooLongException at the line that passes them).
            return parser.Next(frame.Source, frame.Name, out parsed);
        }
        catch (LineTooLongException)
        {
            throw new BatchScriptException(BatchErrorKind.BatchTooLarge, frame.Name, frame.Source.LineNumber + 1, Limit());
        }
        catch (DecoderFallbackException ex)
        {
            // The reader decodes ahead of the lines it hands out: find the exact place in the file.
            var exact = File.Exists(frame.FullPath) ? ScriptText.FindInvalidUtf8(frame.FullPath) : null;
            string bytes = exact?.Bytes ?? (ex.BytesUnknown is { Length: > 0 } unknown ? Convert.ToHexString(unknown) : string.Empty);
            throw new BatchScriptException(BatchErrorKind.Undecodable, frame.Name, exact?.Line ?? frame.Source.LineNumber + 1, bytes);
        }
    }

    private string Limit() => options.MaxBatchLength.ToString("N0", System.Globalization.CultureInfo.CurrentUICulture);

    private Frame Include(Stack<Frame> stack, Frame from, string target)
    {
        // The script is the bottom frame: the stack holds one frame per level of :r above it.
        if (stack.Count > options.MaxIncludeDepth)
        {
            throw new BatchScriptException(BatchErrorKind.IncludeTooDeep, from.Name, from.Source.LineNumber, options.MaxIncludeDepth.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        string fullPath = Path.GetFullPath(Path.Combine(from.Directory, target));
        if (stack.Any(f => PathComparer.Equals(f.FullPath, fullPath)))
        {
            var chain = stack.Reverse().Select(f => Path.GetFileName(f.FullPath)).Append(Path.GetFileName(fullPath));
            throw new BatchScriptException(BatchErrorKind.IncludeCycle, from.Name, from.Source.LineNumber, string.Join(" -> ", chain));
        }

        var reader = OpenFile(fullPath, fullPath, from.Name, from.Source.LineNumber);
        return new Frame(fullPath, fullPath, Path.GetDirectoryName(fullPath)!, new TextWindow(reader, options.MaxBatchLength));
    }

    private TextReader OpenFile(string fullPath, string name, string? includedFrom, int line)
    {
        // A FIFO or a device would block the read or never end: only regular files are read.
        if (FileKind.IsSpecial(fullPath))
        {
            throw includedFrom is null
                ? new BatchScriptException(BatchErrorKind.Unreadable, name, 0, fullPath + " : " + FileKind.NotRegularText)
                : new BatchScriptException(BatchErrorKind.IncludeUnreadable, includedFrom, line, fullPath + " : " + FileKind.NotRegularText);
        }

        try
        {
            return options.Open(fullPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw includedFrom is null
                ? new BatchScriptException(BatchErrorKind.FileNotFound, name, 0, fullPath)
                : new BatchScriptException(BatchErrorKind.IncludeNotFound, includedFrom, line, fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw includedFrom is null
                ? new BatchScriptException(BatchErrorKind.Unreadable, name, 0, fullPath + " : " + ex.Message)
                : new BatchScriptException(BatchErrorKind.IncludeUnreadable, includedFrom, line, fullPath + " : " + ex.Message);
        }
    }

    private static BatchScriptException Unterminated(BatchParser parser) => new(
        parser.State switch
        {
            ParserState.String => BatchErrorKind.UnterminatedString,
            ParserState.QuotedIdentifier => BatchErrorKind.UnterminatedQuotedIdentifier,
            ParserState.BracketedIdentifier => BatchErrorKind.UnterminatedBracketedIdentifier,
            _ => BatchErrorKind.UnterminatedComment,
        },
        parser.OpenedFile,
        parser.OpenedLine);

    private sealed record Frame(string Name, string FullPath, string Directory, TextWindow Source);
}
