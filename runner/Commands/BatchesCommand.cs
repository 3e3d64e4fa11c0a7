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
        var secretVariables = new Option<string[]>("--secret-variable")
        {
            Description = Text["SecretVariableOption"],
            HelpName = "NAME=VALUE",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var showSecrets = new Option<bool>("--show-secrets") { Description = Text["ShowSecretsOption"] };
        var codePage = CommonOptions.CodePage();
        var format = new Option<string>("--format") { Description = Text["FormatOption"], HelpName = "text|json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("batches", Text["BatchesDescription"]) { file, variables, secretVariables, noVariables, showSecrets, format, codePage };
        command.SetHandler(context, parseResult =>
        {
            string path = parseResult.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new UsageException(Text["PathMissing", path]);
            }

            var secrets = CommonOptions.ParseVariables(parseResult.GetValue(secretVariables));
            var all = new Dictionary<string, string>(CommonOptions.ParseVariables(parseResult.GetValue(variables)), StringComparer.OrdinalIgnoreCase);
            foreach (var secret in secrets)
            {
                all[secret.Key] = secret.Value;
            }

            var reader = new BatchReader(new BatchReaderOptions
            {
                Variables = all,
                SecretVariables = secrets.Keys.ToList(),
                SubstituteVariables = !parseResult.GetValue(noVariables),
                Open = ScriptText.Opener(ScriptEncoding.FromOption(parseResult.GetValue(codePage))),
            });
            bool show = parseResult.GetValue(showSecrets);
            try
            {
                // A first pass finds any error before anything is printed; memory stays bounded by the largest batch.
                foreach (var _ in reader.Read(path))
                {
                }

                string fullPath = Path.GetFullPath(path);
                if (parseResult.GetValue(format) == "json")
                {
                    WriteJson(context.Out, reader.Read(path), fullPath, show);
                }
                else
                {
                    WriteText(context.Out, reader.Read(path), fullPath, show);
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

    private static void WriteJson(TextWriter output, IEnumerable<Batch> batches, string fullPath, bool showSecrets)
    {
        output.Write('[');
        bool first = true;
        foreach (var batch in batches)
        {
            output.Write(first ? "\n  " : ",\n  ");
            first = false;
            var item = new BatchJson(batch.Index, batch.StartLine, batch.Count, showSecrets ? batch.Text : batch.ShownText, SameFile(batch.File, fullPath) ? null : batch.File, batch.EndsRun ? true : null);
            output.Write(JsonSerializer.Serialize(item, Json));
        }

        output.WriteLine(first ? "]" : "\n]");
    }

    private static void WriteText(TextWriter output, IEnumerable<Batch> batches, string fullPath, bool showSecrets)
    {
        foreach (var batch in batches)
        {
            if (batch.EndsRun)
            {
                output.WriteLine(Text["BatchesExit", batch.StartLine]);
                continue;
            }

            string where = SameFile(batch.File, fullPath) ? batch.StartLine.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{batch.File}:{batch.StartLine}";
            output.WriteLine(Text["BatchesHeader", batch.Index, where, batch.Count]);
            output.WriteLine(showSecrets ? batch.Text : batch.ShownText);
        }
    }

    private static bool SameFile(string batchFile, string fullPath) =>
        string.Equals(Path.GetFullPath(batchFile), fullPath, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>
    /// One batch as JSON: index from 1, startLine 1-based, count of GO n, text after substitution
    /// (secret values as ******** unless --show-secrets); file only when :r took it elsewhere;
    /// endsRun only on the mark of an EXIT or QUIT (its line in startLine).
    /// </summary>
    private sealed record BatchJson(int Index, int StartLine, int Count, string Text, string? File, bool? EndsRun);
}
