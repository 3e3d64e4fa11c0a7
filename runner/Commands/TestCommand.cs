using System.CommandLine;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Deployment;
using CrmDb.Runner.Testing;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb test: the tSQLt suite (tests/tsqlt) in throwaway databases on a SQL Server, with the
/// vendor model, the GesCom fixture and CrmDb.dacpac deployed, then everything dropped.
/// Exit 0 when every test passed, 1 when one failed or the run could not complete, 2 on bad input.
/// </summary>
public static class TestCommand
{
    private static readonly Localizer Text = new("Test");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var connection = new ConnectionOptions(Text["ConnectionOption"]);
        var tsqlt = new Option<string?>("--tsqlt") { Description = Text["TsqltOption"], HelpName = "FILE" };
        var tests = new Option<string>("--tests")
        {
            Description = Text["TestsOption"],
            HelpName = "DIR",
            DefaultValueFactory = _ => DefaultTestsFolder(),
        };
        var dacpac = new Option<string?>("--dacpac") { Description = Text["DacpacOption"], HelpName = "FILE" };
        var gesCom = new Option<string?>("--gescom-dacpac") { Description = Text["GesComOption"], HelpName = "FILE" };
        var profile = new Option<string?>("--profile") { Description = Text["ProfileOption"], HelpName = "FILE" };
        var keep = new Option<bool>("--keep") { Description = Text["KeepOption"] };

        var command = new Command("test", Text["TestDescription"]) { tsqlt, tests, dacpac, gesCom, profile, keep };
        connection.AddTo(command);
        command.SetHandler(context, parseResult =>
        {
            // Every input is checked, and every script split into batches, before the server is touched.
            string server = connection.Require(parseResult, context);
            string? tsqltPath = parseResult.GetValue(tsqlt);
            if (string.IsNullOrWhiteSpace(tsqltPath))
            {
                throw new UsageException(Text["TsqltOptionMissing"]);
            }

            string package = DacpacLocator.Locate(parseResult.GetValue(dacpac));
            var options = DeployOptionsFactory.Create(parseResult.GetValue(profile), new Dictionary<string, string>(), context.Out);
            TestPlan plan = TestPlan.Create(
                server, tsqltPath, parseResult.GetValue(tests)!, package, parseResult.GetValue(gesCom), options, parseResult.GetValue(keep));
            Connection.Probe(server);
            return new TestRun(plan, context.Out, context.Error).Execute();
        });
        return command;
    }

    /// <summary>tests/tsqlt of the repository crmdb runs in, else the copy the tool carries beside its assembly (tsqlt/).</summary>
    private static string DefaultTestsFolder()
    {
        string inRepository = Path.Combine("tests", "tsqlt");
        return Directory.Exists(inRepository) ? inRepository : Path.Combine(AppContext.BaseDirectory, "tsqlt");
    }
}
