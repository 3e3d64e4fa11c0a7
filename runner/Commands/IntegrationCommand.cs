using System.CommandLine;
using System.Globalization;
using CrmDb.Clr;
using CrmDb.Runner.Autosync;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb integration add|list|set|remove: the integration records (dbo.MC_Integration) whose
/// cycles run the AUTOSYNC hooks. Every value is checked before connecting.
/// </summary>
public static class IntegrationCommand
{
    private const int MaxNameLength = 100;

    private static readonly Localizer Text = new("Autosync");

    /// <summary>Builds the verb and its sub-verbs.</summary>
    public static Command Create(CliContext context) =>
        new("integration", Text["IntegrationDescription"])
        {
            Add(context),
            List(context),
            Set(context),
            Remove(context),
        };

    private static Argument<int> IdArgument() => new("ID") { Description = Text["IntegrationIdArgument"] };

    // --server/-s and --database/-d named the GesCom location before they came to name the CRM
    // connection on every verb: -s does not collide with -S and stays one release, deprecated.
    private static Option<string?> GesComServerOption() =>
        new Option<string?>("--gescom-server") { Description = Text["IntegrationServerOption"], HelpName = "S" }.WithDeprecated("-s");

    private static Option<string?> GesComDatabaseOption() =>
        new("--gescom-database") { Description = Text["IntegrationDatabaseOption"], HelpName = "D" };

    private static Command Add(CliContext context)
    {
        var connection = new ConnectionOptions();
        var id = IdArgument();
        var name = new Option<string?>("--name") { Description = Text["IntegrationNameOption"], HelpName = "NOM" };
        var server = GesComServerOption();
        var database = GesComDatabaseOption();
        var inactive = new Option<bool>("--inactive") { Description = Text["IntegrationInactiveOption"] };
        var command = new Command("add", Text["IntegrationAddDescription"]) { id, name, server, database, inactive };
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            int identifier = parseResult.GetValue(id);
            string nameValue = CheckName(parseResult.GetValue(name) ?? throw new UsageException(Text["IntegrationNameMissing"]));
            string databaseValue = parseResult.GetValue(database) ?? throw new UsageException(Text["IntegrationDatabaseMissing"]);
            string serverValue = (parseResult.GetValue(server) ?? string.Empty).Trim();
            CheckLocation(serverValue, databaseValue);
            var store = new IntegrationStore(connection.Open(parseResult, context));
            if (!store.Add(identifier, nameValue, serverValue, databaseValue.Trim(), !parseResult.GetValue(inactive)))
            {
                throw new UsageException(Text["IntegrationExists", identifier]);
            }

            context.Out.WriteLine(Text["IntegrationAdded", identifier, nameValue]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var connection = new ConnectionOptions();
        var command = new Command("list", Text["IntegrationListDescription"]);
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            var rows = new IntegrationStore(connection.Open(parseResult, context)).List();
            if (rows.Count == 0)
            {
                context.Out.WriteLine(Text["IntegrationNone"]);
                return ExitCodes.Success;
            }

            var table = new List<string[]>
            {
                Text["IntegrationColumns"].Split('|'),
            };
            foreach (var row in rows)
            {
                table.Add(
                [
                    row.ErpIntegrationID.ToString(CultureInfo.InvariantCulture),
                    row.Name,
                    row.GesComServer.Length == 0 ? Text["IntegrationLocalServer"] : row.GesComServer,
                    row.GesComDatabase,
                    row.IsActive ? Text["Yes"] : Text["No"],
                    row.LastToken?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    row.LastStatus ?? "-",
                    row.LastRunAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",
                ]);
            }

            TextTable.Write(context.Out, table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Set(CliContext context)
    {
        var connection = new ConnectionOptions();
        var id = IdArgument();
        var name = new Option<string?>("--name") { Description = Text["IntegrationNameOption"], HelpName = "NOM" };
        var server = GesComServerOption();
        var database = GesComDatabaseOption();
        var active = new Option<bool?>("--active") { Description = Text["IntegrationActiveOption"], HelpName = "true|false" };
        var token = new Option<int?>("--token") { Description = Text["IntegrationTokenOption"], HelpName = "T" };
        var command = new Command("set", Text["IntegrationSetDescription"]) { id, name, server, database, active, token };
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            int identifier = parseResult.GetValue(id);
            string? nameValue = parseResult.GetValue(name);
            string? serverValue = parseResult.GetValue(server)?.Trim();
            string? databaseValue = parseResult.GetValue(database)?.Trim();
            int? tokenValue = parseResult.GetValue(token);
            var change = new IntegrationChange(nameValue is null ? null : CheckName(nameValue), serverValue, databaseValue, parseResult.GetValue(active), tokenValue);
            if (change.IsEmpty)
            {
                throw new UsageException(Text["IntegrationSetNothing"]);
            }

            if (tokenValue < 0)
            {
                throw new UsageException(Text["TokenNegative", tokenValue]);
            }

            if (serverValue is not null || databaseValue is not null)
            {
                // The stored other half is not known before connecting: check what is given.
                CheckLocation(serverValue ?? string.Empty, databaseValue ?? "database");
            }

            var store = new IntegrationStore(connection.Open(parseResult, context));
            if (!store.Set(identifier, change))
            {
                throw new UsageException(Text["IntegrationUnknown", identifier]);
            }

            context.Out.WriteLine(Text["IntegrationChanged", identifier]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var connection = new ConnectionOptions();
        var id = IdArgument();
        var command = new Command("remove", Text["IntegrationRemoveDescription"]) { id };
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            int identifier = parseResult.GetValue(id);
            var store = new IntegrationStore(connection.Open(parseResult, context));
            if (!store.Remove(identifier))
            {
                throw new UsageException(Text["IntegrationUnknown", identifier]);
            }

            context.Out.WriteLine(Text["IntegrationRemoved", identifier]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string CheckName(string name)
    {
        string trimmed = name.Trim();
        if (trimmed.Length == 0 || trimmed.Length > MaxNameLength)
        {
            throw new UsageException(Text["IntegrationNameInvalid", MaxNameLength]);
        }

        return trimmed;
    }

    private static void CheckLocation(string server, string database)
    {
        if (database.Trim().Length == 0)
        {
            throw new UsageException(Text["IntegrationDatabaseMissing"]);
        }

        try
        {
            // Quoting both names is what MC_gescomqualifier will do; a name it cannot quote fails here.
            GesComLocation.Create(server, database, localServerName: null);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}
