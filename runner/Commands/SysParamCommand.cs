using System.CommandLine;
using CrmDb.Runner.Cli;
using CrmDb.Runner.SysParams;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb sysparam get NAME / set NAME VALUE: Sage CRM global parameters through
/// dbo.MC_getsysparam and dbo.MC_setsysparams. NAME is checked with the database's own rule
/// before connecting (exit 2).
/// </summary>
public static class SysParamCommand
{
    private static readonly Localizer Text = new("SysParams");

    /// <summary>Builds the verb and its sub-verbs.</summary>
    public static Command Create(CliContext context) =>
        new("sysparam", Text["SysParamDescription"]) { Get(context), Set(context) };

    private static Command Get(CliContext context)
    {
        var connection = new ConnectionOptions();
        var name = new Argument<string>("NAME") { Description = Text["NameArgument"] };
        var command = new Command("get", Text["GetDescription"]) { name };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            string parameter = SysParamArguments.RequireName(parseResult.GetValue(name));
            string connectionString = await connection.OpenAsync(parseResult, context, cancellationToken).ConfigureAwait(false);

            string? value = await SysParamStore.GetAsync(connectionString, parameter, cancellationToken).ConfigureAwait(false);
            if (value is null)
            {
                await context.Error.WriteLineAsync(Text["NotFound", parameter]).ConfigureAwait(false);
                return ExitCodes.ProcessingErrors;
            }

            await context.Out.WriteLineAsync(value).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Set(CliContext context)
    {
        var connection = new ConnectionOptions();
        var name = new Argument<string>("NAME") { Description = Text["NameArgument"] };
        var value = new Argument<string>("VALUE") { Description = Text["ValueArgument"] };
        var command = new Command("set", Text["SetDescription"]) { name, value };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            string parameter = SysParamArguments.RequireName(parseResult.GetValue(name));
            string connectionString = await connection.OpenAsync(parseResult, context, cancellationToken).ConfigureAwait(false);

            int errors = await SysParamStore.SetAsync(connectionString, parameter, parseResult.GetValue(value) ?? string.Empty, context.Out, context.Error, cancellationToken)
                .ConfigureAwait(false);
            return errors == 0 ? ExitCodes.Success : ExitCodes.ProcessingErrors;
        });
        return command;
    }
}
