using CrmDb.Runner.Batches;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Cli;

/// <summary>
/// Maps whatever a verb throws to one clean message and the documented exit code, never a
/// stack trace: bad usage and I/O before any work 2, a failed connection or server error 1,
/// an interruption 130.
/// </summary>
public static class ErrorGuard
{
    private static readonly Localizer Text = new("Common");

    /// <summary>Writes the message for <paramref name="exception"/> and returns the exit code.</summary>
    public static int Handle(Exception exception, CliContext context)
    {
        switch (exception)
        {
            case UsageException or BatchScriptException:
                context.Error.WriteLine(Text["ErrorPrefix", exception.Message]);
                return ExitCodes.BadInput;
            case ConnectionFailedException:
                context.Error.WriteLine(Text["ErrorPrefix", exception.Message]);
                return ExitCodes.ProcessingErrors;
            case SqlException:
                context.Error.WriteLine(Text["ErrorPrefix", exception.Message]);
                return ExitCodes.ProcessingErrors;
            case IOException or UnauthorizedAccessException:
                context.Error.WriteLine(Text["ErrorPrefix", Text["IoError", exception.Message]]);
                return WorkState.Started ? ExitCodes.ProcessingErrors : ExitCodes.BadInput;
            case OperationCanceledException:
                context.Error.WriteLine(Text["Interrupted"]);
                return ExitCodes.Interrupted;
            default:
                context.Error.WriteLine(Text["UnexpectedError", exception.GetType().Name + ": " + exception.Message]);
                return ExitCodes.ProcessingErrors;
        }
    }
}
