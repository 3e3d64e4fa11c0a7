using System.CommandLine;

namespace CrmDb.Runner.Cli;

/// <summary>Wraps command bodies so that every verb maps failures to the documented exit codes (<see cref="ErrorGuard"/>).</summary>
public static class CommandActions
{
    /// <summary>Sets <paramref name="body"/> as the action of <paramref name="command"/>.</summary>
    public static void SetHandler(this Command command, CliContext context, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            WorkState.Begin();
            try
            {
                return await body(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return ErrorGuard.Handle(ex, context);
            }
        });
    }

    /// <summary>Synchronous variant of <see cref="SetHandler(Command, CliContext, Func{ParseResult, CancellationToken, Task{int}})"/>.</summary>
    public static void SetHandler(this Command command, CliContext context, Func<ParseResult, int> body) =>
        command.SetHandler(context, (parseResult, _) => Task.FromResult(body(parseResult)));
}
