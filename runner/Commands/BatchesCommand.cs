using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Commands;

/// <summary>crmdb batches FILE: shows how crmdb run splits a script (text or JSON).</summary>
public static class BatchesCommand
{
    private const int SegmentChars = 16 * 1024;

    private const int DrainAt = 64 * 1024;

    private static readonly Localizer Text = new("Run");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = Text["BatchesFileArgument"] };
        var variables = CommonOptions.Variables(Text["VariableOption"]);
        var noVariables = new Option<bool>("--no-variables", "-x") { Description = Text["NoVariablesOption"] };
        var secretVariables = CommonOptions.SecretVariables(Text["SecretVariableOption"]);
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

            var (all, secrets) = CommonOptions.ParseVariables(parseResult.GetValue(variables), parseResult.GetValue(secretVariables));

            var reader = new BatchReader(new BatchReaderOptions
            {
                Variables = all,
                SecretVariables = secrets.Keys.ToList(),
                SubstituteVariables = !parseResult.GetValue(noVariables),
                Open = ScriptText.Opener(ScriptEncoding.FromOption(parseResult.GetValue(codePage))),
            });
            bool show = parseResult.GetValue(showSecrets);
            string fullPath = Path.GetFullPath(path);
            try
            {
                // One pass, written as it is read: memory stays bounded by the largest batch. An
                // error found after some batches ends the output where it is, with exit 2.
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
                context.Out.Flush();
                throw new UsageException(ex.Message);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    // Fully optimised from the start: unoptimised code may keep a finished batch reachable.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteJson(TextWriter output, IEnumerable<Batch> batches, string fullPath, bool showSecrets)
    {
        // UTF-8 JSON handed on to the output in blocks; a batch's text goes in segments, so no
        // whole escaped copy of a large batch is ever made. The relaxed encoder keeps accents
        // readable (the output is never embedded in HTML).
        var sink = new Utf8TextSink(output);
        using var json = new Utf8JsonWriter(sink, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        bool started = false;

        // No local holds a batch across MoveNext: the reader frees a large one while it reads the next.
        using var each = batches.GetEnumerator();
        try
        {
            while (each.MoveNext())
            {
                if (!started)
                {
                    // Nothing at all is printed for a script whose first batch is already wrong.
                    json.WriteStartArray();
                    started = true;
                }

                WriteBatch(json, sink, each.Current, fullPath, showSecrets);
            }
        }
        catch (BatchScriptException)
        {
            // The batches before the error are out whatever the block size: the same whether the script is large or small.
            json.Flush();
            sink.Drain();
            throw;
        }

        if (!started)
        {
            json.WriteStartArray();
        }

        json.WriteEndArray();
        json.Flush();
        sink.Drain();
        output.WriteLine();
    }

    private static void WriteBatch(Utf8JsonWriter json, Utf8TextSink sink, Batch batch, string fullPath, bool showSecrets)
    {
        json.WriteStartObject();
        json.WriteNumber("index", batch.Index);
        json.WriteNumber("startLine", batch.StartLine);
        json.WriteNumber("count", batch.Count);
        json.WritePropertyName("text");
        WriteSegments(json, sink, batch, showSecrets);
        if (!SameFile(batch.File, fullPath))
        {
            json.WriteString("file", batch.File);
        }

        if (batch.EndsRun)
        {
            json.WriteBoolean("endsRun", true);
        }

        json.WriteEndObject();
        Drain(json, sink);
    }

    /// <summary>The batch's text as one JSON string written in slices (secret values as ******** unless shown).</summary>
    private static void WriteSegments(Utf8JsonWriter json, Utf8TextSink sink, Batch batch, bool showSecrets)
    {
        var text = batch.Text.AsSpan();
        int at = 0;
        if (!showSecrets)
        {
            foreach (var range in batch.Secrets)
            {
                WriteSlices(json, sink, text[at..range.Start.Value]);
                json.WriteStringValueSegment(CrmDb.Clr.SecretNames.Mask, isFinalSegment: false);
                at = range.End.Value;
            }
        }

        WriteSlices(json, sink, text[at..]);
        json.WriteStringValueSegment(ReadOnlySpan<char>.Empty, isFinalSegment: true);
    }

    private static void WriteSlices(Utf8JsonWriter json, Utf8TextSink sink, ReadOnlySpan<char> part)
    {
        while (!part.IsEmpty)
        {
            int length = Math.Min(part.Length, SegmentChars);
            if (length < part.Length && char.IsHighSurrogate(part[length - 1]))
            {
                // A surrogate pair stays in one slice.
                length--;
            }

            json.WriteStringValueSegment(part[..length], isFinalSegment: false);
            part = part[length..];
            Drain(json, sink);
        }
    }

    /// <summary>Hands the output a block once enough is written (few large writes, bounded buffer).</summary>
    private static void Drain(Utf8JsonWriter json, Utf8TextSink sink)
    {
        if (json.BytesPending + sink.Pending > DrainAt)
        {
            json.Flush();
            sink.Drain();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
}
