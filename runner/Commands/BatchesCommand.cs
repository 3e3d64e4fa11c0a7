using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Commands;

/// <summary>crmdb batches FILE: shows how crmdb run splits a script (text or JSON).</summary>
public static class BatchesCommand
{
    private static readonly Localizer Text = new("Run");

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Keeps accents readable; the output is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = Text["BatchesFileArgument"] };
        var variables = CommonOptions.Variables(Text["VariableOption"]);
        var noVariables = new Option<bool>("--no-variables", "-x") { Description = Text["NoVariablesOption"] };
        var codePage = CommonOptions.CodePage();
        var format = new Option<string>("--format") { Description = Text["FormatOption"], HelpName = "text|json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("batches", Text["BatchesDescription"]) { file, variables, noVariables, format, codePage };
        command.SetHandler(context, parseResult =>
        {
            string path = parseResult.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new UsageException(Text["PathMissing", path]);
            }

            var reader = new BatchReader(new BatchReaderOptions
            {
                Variables = CommonOptions.ParseVariables(parseResult.GetValue(variables)),
                SubstituteVariables = !parseResult.GetValue(noVariables),
                Open = ScriptText.Opener(ScriptEncoding.FromOption(parseResult.GetValue(codePage))),
            });
            try
            {
                // A first pass finds any error before anything is printed; memory stays bounded by the largest batch.
                foreach (var _ in reader.Read(path))
                {
                }

                string fullPath = Path.GetFullPath(path);
                if (parseResult.GetValue(format) == "json")
                {
                    WriteJson(context.Out, reader.Read(path), fullPath);
                }
                else
                {
                    WriteText(context.Out, reader.Read(path), fullPath);
                }
            }
            catch (BatchScriptException ex)
            {
                throw new UsageException(ex.Message);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteJson(TextWriter output, IEnumerable<Batch> batches, string fullPath)
    {
        output.Write('[');
        bool first = true;
        foreach (var batch in batches)
        {
            output.Write(first ? "\n  " : ",\n  ");
            first = false;
            var item = new BatchJson(batch.Index, batch.StartLine, batch.Count, batch.Text, SameFile(batch.File, fullPath) ? null : batch.File);
            output.Write(JsonSerializer.Serialize(item, Json));
        }

        output.WriteLine(first ? "]" : "\n]");
    }

    private static void WriteText(TextWriter output, IEnumerable<Batch> batches, string fullPath)
    {
        foreach (var batch in batches)
        {
            string where = SameFile(batch.File, fullPath) ? batch.StartLine.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{batch.File}:{batch.StartLine}";
            output.WriteLine(Text["BatchesHeader", batch.Index, where, batch.Count]);
            output.WriteLine(batch.Text);
        }
    }

    private static bool SameFile(string batchFile, string fullPath) =>
        string.Equals(Path.GetFullPath(batchFile), fullPath, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>One batch as JSON: index from 1, startLine 1-based, count of GO n, text after substitution; file only when :r took it elsewhere.</summary>
    private sealed record BatchJson(int Index, int StartLine, int Count, string Text, string? File);
}
