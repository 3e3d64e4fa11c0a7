using System.CommandLine;
using System.Text.Json;
using CrmDb.Clr.Replication;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb replication check "VALUE": the REPLI value check of dbo.MC_setsysparams and
/// dbo.MC_replicate (CrmDb.Clr.Replication.ReplicationValueParser, the very same code), run
/// offline before a field is declared. Exit 0 accepted; 2 refused, naming the offending part and
/// the rule (docs/security.md, "REPLI values").
/// </summary>
public static class ReplicationCommand
{
    /// <summary>The allow-list a database starts with (dbo.MC_ReplicationFunction, seeded by the post-deployment script).</summary>
    public const string DefaultAllowedFunctions = "dbo.FCT_condpaiement";

    private static readonly Localizer Text = new("Replication");

    /// <summary>Builds the verb and its sub-verb.</summary>
    public static Command Create(CliContext context)
    {
        var value = new Argument<string>("VALUE") { Description = Text["ValueArgument"] };
        var allowed = new Option<string>("--allowed-functions")
        {
            Description = Text["AllowedFunctionsOption"],
            HelpName = "schema.function,...",
            DefaultValueFactory = _ => DefaultAllowedFunctions,
        };
        var format = new Option<string>("--format") { Description = Text["FormatOption"], HelpName = "text|json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var check = new Command("check", Text["CheckDescription"]) { value, allowed, format };
        check.SetHandler(context, parseResult =>
        {
            string expression = parseResult.GetValue(value) ?? string.Empty;
            ReplicationValueProblem? problem = ReplicationValueParser.Check(expression, parseResult.GetValue(allowed));
            bool json = parseResult.GetValue(format) == "json";
            if (json)
            {
                WriteJson(context.Out, expression, problem);
            }
            else if (problem is null)
            {
                context.Out.WriteLine(Text["Accepted", expression]);
            }
            else
            {
                context.Error.WriteLine(Text["Refused", problem.Part, problem.Rule, Text["Rule_" + problem.Rule.Replace('-', '_')]]);
            }

            return problem is null ? ExitCodes.Success : ExitCodes.BadInput;
        });

        return new Command("replication", Text["ReplicationDescription"]) { check };
    }

    private static void WriteJson(TextWriter output, string expression, ReplicationValueProblem? problem)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("value", expression);
            writer.WriteBoolean("accepted", problem is null);
            if (problem is not null)
            {
                writer.WriteString("rule", problem.Rule);
                writer.WriteString("part", problem.Part);
                writer.WriteString("explanation", Text["Rule_" + problem.Rule.Replace('-', '_')]);
                writer.WriteString("message", problem.Message);
            }

            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
