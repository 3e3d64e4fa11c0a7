using System.Text.RegularExpressions;
using CrmDb.Clr;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Run;

/// <summary>
/// The token-bearing templates of database/templates deployed per integration by crmdb run
/// (issue 5, item 4), offline: the dry-run log holds each batch with its #F_/#P_ tokens expanded
/// for the GesCom given on the command line, and that text is T-SQL that parses.
/// </summary>
public sealed partial class TemplateRunTests : IDisposable
{
    private readonly string logs = Directory.CreateTempSubdirectory("crmdb-templates-").FullName;

    public void Dispose() => Directory.Delete(logs, recursive: true);

    private static string Templates => Repository.PathOf("database", "templates");

    /// <summary>crmdb run TEMPLATES database/templates --dry-run --gescom-database BIJOU [--gescom-server SERVER]: the log's batches by script.</summary>
    private Dictionary<string, List<string>> DryRun(string? server)
    {
        string[] gescomServer = server is null ? [] : ["--gescom-server", server];
        var result = CliRunner.Run(["run", "TEMPLATES", Templates, "--dry-run", "--gescom-database", "BIJOU", .. gescomServer, "--log-dir", logs]);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Out + result.Error);
        string log = File.ReadAllText(Assert.Single(Directory.GetFiles(logs, "*bachsql_TEMPLATES.dry-run.log")));
        return BatchesOf(log);
    }

    /// <summary>The batches a dry-run log lists, by script file name, as the log writes them (LF line ends).</summary>
    private static Dictionary<string, List<string>> BatchesOf(string log)
    {
        var batches = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? script = null;
        var lines = new List<string>();

        void Flush()
        {
            if (script is not null)
            {
                // The log writes an empty line after each batch: the text is every line before it.
                Assert.True(lines.Count > 1 && lines[^1].Length == 0, "no empty line after a batch of " + script);
                batches[script].Add(string.Join('\n', lines[..^1]));
            }

            script = null;
            lines.Clear();
        }

        foreach (string line in log.ReplaceLineEndings("\n").Split('\n'))
        {
            if (BatchHeader().Match(line) is { Success: true } header)
            {
                Flush();
                script = header.Groups["script"].Value;
                batches.TryAdd(script, []);
            }
            else if (line.StartsWith("=== Script ", StringComparison.Ordinal) || line.StartsWith("Simulation terminée", StringComparison.Ordinal))
            {
                Flush();
            }
            else if (script is not null)
            {
                lines.Add(line);
            }
        }

        Flush();
        return batches;
    }

    [Fact]
    public void The_templates_folder_holds_the_payment_terms_function_with_tokens()
    {
        string template = File.ReadAllText(Path.Combine(Templates, "FCT_condpaiement.sql"));

        Assert.Contains("#F_REGLEMENTT#", template, StringComparison.Ordinal);
        Assert.Contains("#P_REGLEMENT#", template, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "[BIJOU].dbo.")]
    [InlineData("SRVGC", "[SRVGC].[BIJOU].dbo.")]
    public void A_dry_run_logs_every_template_batch_with_its_tokens_expanded_for_the_GesCom_given(string? server, string qualifier)
    {
        var location = GesComLocation.Create(server, "BIJOU", null);

        var logged = DryRun(server);

        var files = Directory.GetFiles(Templates, "*.sql");
        Assert.NotEmpty(files);
        Assert.Equal(files.Select(Path.GetFileName).Order(StringComparer.Ordinal), logged.Keys.Order(StringComparer.Ordinal));
        foreach (string file in files)
        {
            var batches = new BatchReader(new BatchReaderOptions()).Read(file).ToList();
            var texts = logged[Path.GetFileName(file)];
            // Exactly the template's batches, each expanded by the shared expander.
            Assert.Equal(batches.Select(b => TokenExpander.Expand(b.Text, location).ReplaceLineEndings("\n")), texts);
            Assert.All(texts, text =>
            {
                Assert.Equal(0, TokenExpander.CountTokens(text));
                Assert.Contains(qualifier, text, StringComparison.Ordinal);
            });
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("SRVGC")]
    public void The_logged_payment_terms_function_is_a_create_or_alter_function_over_the_integration_s_GesCom_tables(string? server)
    {
        string text = Assert.Single(DryRun(server)["FCT_condpaiement.sql"]);

        var script = (TSqlScript)SqlParsing.Parse(text);

        var function = Assert.IsType<CreateOrAlterFunctionStatement>(Assert.Single(Assert.Single(script.Batches).Statements));
        Assert.Equal(["dbo", "FCT_condpaiement"], function.Name.Identifiers.Select(i => i.Value));
        var tables = SqlParsing.All<NamedTableReference>(function)
            .Select(t => string.Join(".", t.SchemaObject.Identifiers.Select(i => i.Value)))
            .Order(StringComparer.Ordinal);
        string prefix = server is null ? "BIJOU.dbo." : server + ".BIJOU.dbo.";
        Assert.Equal([prefix + "F_REGLEMENTT", prefix + "P_REGLEMENT"], tables);
    }

    [GeneratedRegex(@"^--- Lot \d+/\d+ \((?<script>[^,]+), ligne \d+\), serait exécuté \d+ fois ---$")]
    private static partial Regex BatchHeader();
}
