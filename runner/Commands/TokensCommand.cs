using System.CommandLine;
using CrmDb.Clr;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb tokens expand: #F_/#P_ expansion of standard input, with the very code of the
/// database's dbo.MC_expandtokens (CrmDb.Clr.TokenExpander).
/// </summary>
public static class TokensCommand
{
    private static readonly Localizer Text = new("Tokens");

    /// <summary>Builds the verb and its sub-verb.</summary>
    public static Command Create(CliContext context)
    {
        // tokens expand never connects, so the old names of the GesCom location collide with
        // nothing here: kept one release, deprecated, for scripts written before --gescom-*.
        var server = new Option<string>("--gescom-server") { Description = Text["ServerOption"], HelpName = "S", DefaultValueFactory = _ => string.Empty }
            .WithDeprecated("--server", "-s");
        var database = new Option<string?>("--gescom-database") { Description = Text["DatabaseOption"], HelpName = "D" }
            .WithDeprecated("--database", "-d");
        var localServer = new Option<string?>("--local-server") { Description = Text["LocalServerOption"], HelpName = "NAME" };
        var codePage = CommonOptions.CodePage();
        var expand = new Command("expand", Text["ExpandDescription"]) { server, database, localServer, codePage };
        expand.SetHandler(context, parseResult =>
        {
            string? databaseName = parseResult.GetValue(database);
            if (string.IsNullOrWhiteSpace(databaseName))
            {
                throw new UsageException(Text["DatabaseMissing"]);
            }

            GesComLocation location;
            try
            {
                location = GesComLocation.Create(parseResult.GetValue(server), databaseName, parseResult.GetValue(localServer));
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }

            string sql = ReadInput(context, ScriptEncoding.FromOption(parseResult.GetValue(codePage)));
            string expanded;
            try
            {
                expanded = TokenExpander.Expand(sql, location);
            }
            catch (TokenExpansionException ex)
            {
                throw new UsageException(Text["NestedLiteralToken", ex.Line]);
            }

            context.Out.Write(expanded);
            return ExitCodes.Success;
        });

        return new Command("tokens", Text["TokensDescription"]) { expand };
    }

    /// <summary>
    /// Standard input, decoded as crmdb run decodes a script file (BOM, UTF-16 pattern,
    /// --code-page, else strict UTF-8): cp1252 or UTF-16 input is never silently corrupted.
    /// </summary>
    private static string ReadInput(CliContext context, System.Text.Encoding? codePage)
    {
        if (context.InputBytes is null)
        {
            return context.In.ReadToEnd();
        }

        using var buffer = new MemoryStream();
        context.InputBytes.CopyTo(buffer);
        try
        {
            return ScriptEncoding.Decode(buffer.ToArray(), codePage, Text["StandardInput"]);
        }
        catch (BatchScriptException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}
