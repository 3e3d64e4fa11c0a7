using System.CommandLine;
using System.Globalization;
using CrmDb.Clr;
using CrmDb.Runner.Cli;
using CrmDb.Runner.SysParams;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb modules: the Sage 100c CRM modules recorded in MC_modules, with the edition;
/// crmdb modules set sales,service,marketing: records them through dbo.MC_setsysparams (whose
/// curative dbo.MC_apply_param_MC_modules checks the value again in the database).
/// </summary>
public static class ModulesCommand
{
    private static readonly Localizer Text = new("SysParams");

    /// <summary>Builds the verb and its sub-verb.</summary>
    public static Command Create(CliContext context)
    {
        var connection = new ConnectionOptions();
        var command = new Command("modules", Text["ModulesDescription"]) { Set(context) };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            string connectionString = await connection.OpenAsync(parseResult, context, cancellationToken).ConfigureAwait(false);
            var (stored, flags) = await SysParamStore.ReadModulesAsync(connectionString, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                await context.Out.WriteLineAsync(Text["ModulesAbsent"]).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (flags is not int value)
            {
                await context.Error.WriteLineAsync(Text["ModulesUnreadable", stored]).ConfigureAwait(false);
                return ExitCodes.ProcessingErrors;
            }

            await context.Out.WriteLineAsync(Describe(value)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>What crmdb modules prints for a value 0..7: the edition, then one line per module.</summary>
    internal static string Describe(int flags)
    {
        var lines = new List<string> { Text["ModulesShow", flags, Modules.ToList(flags), Modules.EditionName(flags)] };
        foreach (ModuleFlags module in new[] { ModuleFlags.Sales, ModuleFlags.Service, ModuleFlags.Marketing })
        {
            bool present = (flags & (int)module) != 0;
            lines.Add(Text["ModuleLine",
                Modules.ToList((int)module),
                ((int)module).ToString(CultureInfo.InvariantCulture),
                Modules.ProductName(module),
                present ? Text["Yes"] : Text["No"]]);
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static Command Set(CliContext context)
    {
        var connection = new ConnectionOptions();
        var list = new Argument<string>("MODULES") { Description = Text["ModulesArgument"] };
        var command = new Command("set", Text["ModulesSetDescription"]) { list };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            int flags = SysParamArguments.RequireModules(parseResult.GetValue(list));
            string connectionString = await connection.OpenAsync(parseResult, context, cancellationToken).ConfigureAwait(false);

            int errors = await SysParamStore.SetAsync(connectionString, Modules.ParameterName, flags.ToString(CultureInfo.InvariantCulture), context.Out, context.Error, cancellationToken)
                .ConfigureAwait(false);
            return errors == 0 ? ExitCodes.Success : ExitCodes.ProcessingErrors;
        });
        return command;
    }
}
