using System.CommandLine;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Cli;

/// <summary>Wraps command bodies so that every verb maps failures to the documented exit codes.</summary>
public static class CommandActions
{
    private static readonly Localizer Text = new("Common");

    /// <summary>Sets <paramref name="body"/> as the action of <paramref name="command"/>.</summary>
    public static void SetHandler(this Command command, CliContext context, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await body(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (UsageException ex)
            {
                await context.Error.WriteLineAsync(Text["ErrorPrefix", ex.Message]).ConfigureAwait(false);
                return ExitCodes.BadInput;
            }
            catch (SqlException ex)
            {
                await context.Error.WriteLineAsync(Text["ErrorPrefix", ex.Message]).ConfigureAwait(false);
                return ExitCodes.ProcessingErrors;
            }
        });
    }

    /// <summary>Synchronous variant of <see cref="SetHandler(Command, CliContext, Func{ParseResult, CancellationToken, Task{int}})"/>.</summary>
    public static void SetHandler(this Command command, CliContext context, Func<ParseResult, int> body) =>
        command.SetHandler(context, (parseResult, _) => Task.FromResult(body(parseResult)));
}
