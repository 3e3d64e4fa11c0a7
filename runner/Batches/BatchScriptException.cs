using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Batches;

/// <summary>What is wrong with a script, found while splitting it (nothing of it has run).</summary>
public enum BatchErrorKind
{
    /// <summary>The script or an included file does not exist.</summary>
    FileNotFound,

    /// <summary>The file exists but cannot be read (rights, locked by another program).</summary>
    Unreadable,

    /// <summary>The bytes are not valid in the file's encoding (UTF-8 without a BOM, or --code-page's).</summary>
    Undecodable,

    /// <summary>NUL bytes that neither a BOM nor the UTF-16 pattern explains: not a text file, or an unknown encoding.</summary>
    NulBytes,

    /// <summary>A '...' string literal is still open at the end of the file.</summary>
    UnterminatedString,

    /// <summary>A "..." quoted identifier is still open at the end of the file.</summary>
    UnterminatedQuotedIdentifier,

    /// <summary>A [...] identifier is still open at the end of the file.</summary>
    UnterminatedBracketedIdentifier,

    /// <summary>A /* ... */ comment is still open at the end of the file.</summary>
    UnterminatedComment,

    /// <summary>$(NAME) names no variable.</summary>
    UndefinedVariable,

    /// <summary>$( not followed by a name and ).</summary>
    MalformedVariable,

    /// <summary>GO followed by something other than a positive repeat count or a -- comment.</summary>
    InvalidGo,

    /// <summary>A sqlcmd command that crmdb does not run (:connect, :out, :listvar, ...).</summary>
    UnsupportedCommand,

    /// <summary>A supported sqlcmd command written wrongly (:setvar without a name, :on error maybe, ...).</summary>
    InvalidCommand,

    /// <summary>:r includes a file that is already being read.</summary>
    IncludeCycle,

    /// <summary>#F_/#P_ tokens with no GesCom location to expand them to.</summary>
    TokensWithoutIntegration,

    /// <summary>A #F_/#P_ token in a string literal nested in another one: its quotes cannot be doubled safely.</summary>
    TokenInNestedLiteral,

    /// <summary>ED or !!: an editor or an operating-system command, never run by crmdb.</summary>
    RefusedCommand,

    /// <summary>EXIT(query): its result would be the exit status, which crmdb keeps for its own table.</summary>
    ExitQueryRefused,

    /// <summary>:r nested deeper than <see cref="BatchReaderOptions.MaxIncludeDepth"/>.</summary>
    IncludeTooDeep,

    /// <summary>A line or a batch longer than <see cref="BatchReaderOptions.MaxBatchLength"/>.</summary>
    BatchTooLarge,

    /// <summary>:r names a file that does not exist (with the :r line).</summary>
    IncludeNotFound,

    /// <summary>:r names a file that cannot be read, or that is not a regular file.</summary>
    IncludeUnreadable,
}

/// <summary>
/// A script that cannot be split into batches: the kind of problem, the file and the 1-based line,
/// and a French (or English) message that names both and says what to fix.
/// </summary>
public sealed class BatchScriptException : Exception
{
    private static readonly Localizer Text = new("Run");

    /// <summary>Creates the error; <paramref name="detail"/> is the offending name or text, when there is one.</summary>
    public BatchScriptException(BatchErrorKind kind, string file, int line, string? detail = null)
        : base(Text["Batch" + kind, file, line, detail ?? string.Empty])
    {
        Kind = kind;
        File = file;
        Line = line;
        Detail = detail;
    }

    /// <summary>What is wrong.</summary>
    public BatchErrorKind Kind { get; }

    /// <summary>The file it is in (as named to crmdb, or the full path of an included file).</summary>
    public string File { get; }

    /// <summary>1-based line in <see cref="File"/> (0 when it is about the file as a whole).</summary>
    public int Line { get; }

    /// <summary>The offending name or text, when there is one.</summary>
    public string? Detail { get; }
}
