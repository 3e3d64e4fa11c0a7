using System.Xml.Linq;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Maintenance;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Maintenance;

/// <summary>crmdb maintenance without a server (issue 16, item 5): plan, bad input, schedule files.</summary>
[Collection(CrmDb.Tests.Runner.PasswordEnvironment.Name)]
public sealed class MaintenanceCliTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("crmdb-maintenance-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    private static CliResult Offline(params string[] args) =>
        CliRunner.RunWithEnvironment(new Dictionary<string, string?> { ["CRMDB_CONNECTION"] = null }, args);

    [Fact]
    public void Plan_without_a_connection_prints_the_default_plan_in_French_and_in_English()
    {
        var french = Offline("maintenance", "plan");
        var english = Offline("maintenance", "plan", "--lang", "en");

        Assert.Equal(ExitCodes.Success, french.ExitCode);
        Assert.Contains("Plan par défaut", french.Out, StringComparison.Ordinal);
        Assert.Matches(@"monthly\s+\| SHRINK\s+\| non", french.Out);
        Assert.Matches(@"hourly\s+\| BACKUP_LOG\s+\| oui", french.Out);
        Assert.Equal(ExitCodes.Success, english.ExitCode);
        Assert.Contains("Default plan", english.Out, StringComparison.Ordinal);
        Assert.Matches(@"monthly\s+\| SHRINK\s+\| no", english.Out);
        Assert.Equal(DefaultMaintenancePlan.Rows.Count + 2, french.Out.Trim().Split('\n').Length);
    }

    [Theory]
    [InlineData("--slot manque")]
    public void Run_without_a_slot_is_bad_input(string expected)
    {
        var result = Offline("maintenance", "run", "-S", "nowhere", "-d", "CRM");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("daily")]
    [InlineData("Hourly")]
    public void Run_with_an_unknown_slot_names_the_allowed_ones(string slot)
    {
        var result = Offline("maintenance", "run", "--slot", slot, "-S", "nowhere", "-d", "CRM", "--lang", "en");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"--slot: '{slot}' is not a slot; use hourly, nightly, weekly or monthly.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_wants_exactly_one_of_agent_and_windows()
    {
        var neither = Offline("maintenance", "schedule", "-d", "CRM");
        var both = Offline("maintenance", "schedule", "--agent", "--windows", "-d", "CRM");

        Assert.Equal(ExitCodes.BadInput, neither.ExitCode);
        Assert.Equal(ExitCodes.BadInput, both.ExitCode);
        Assert.Contains("--agent", neither.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_agent_writes_the_script_for_the_named_database_without_connecting()
    {
        string file = Path.Combine(work, "agent.sql");

        var result = Offline("maintenance", "schedule", "--agent", "--output", file, "-d", "CRM");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Out + result.Error);
        string script = File.ReadAllText(file);
        Assert.Equal(AgentJobScript.Build("CRM", null), script);
        Assert.Contains(file, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_agent_without_a_database_or_a_file_is_bad_input()
    {
        var noDatabase = Offline("maintenance", "schedule", "--agent", "--output", Path.Combine(work, "a.sql"));
        var noFile = Offline("maintenance", "schedule", "--agent", "-d", "CRM");

        Assert.Equal(ExitCodes.BadInput, noDatabase.ExitCode);
        Assert.Contains("--database/-d", noDatabase.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, noFile.ExitCode);
        Assert.Contains("--output manque", noFile.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_windows_writes_one_task_per_slot_and_the_schtasks_lines()
    {
        string folder = Path.Combine(work, "tasks");

        var result = Offline("maintenance", "schedule", "--windows", "--output-dir", folder, "-S", @"SRV\SAGE", "-d", "CRM", "--account", @"DOM\svc-crmdb");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Out + result.Error);
        foreach (string slot in MaintenanceSlot.All)
        {
            string file = Path.Combine(folder, WindowsTaskFile.FileName(slot));
            var task = XDocument.Load(file);
            Assert.Equal(XName.Get("Task", WindowsTaskFile.Namespace), task.Root!.Name);
            Assert.Contains($"--slot {slot}", task.Root.Descendants().Single(e => e.Name.LocalName == "Arguments").Value, StringComparison.Ordinal);
            Assert.Contains(WindowsTaskFile.SchtasksLine(file, "CRM", slot, @"DOM\svc-crmdb"), result.Out, StringComparison.Ordinal);
        }

        string register = File.ReadAllText(Path.Combine(folder, "crmdb-maintenance-schtasks.cmd"));
        Assert.Equal(MaintenanceSlot.All.Count, register.Split("schtasks /Create", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public void Schedule_windows_without_an_account_or_a_server_is_bad_input()
    {
        var noAccount = Offline("maintenance", "schedule", "--windows", "--output-dir", work, "-S", "SRV", "-d", "CRM");
        var noServer = Offline("maintenance", "schedule", "--windows", "--output-dir", work, "-d", "CRM", "--account", "DOM\\svc");

        Assert.Equal(ExitCodes.BadInput, noAccount.ExitCode);
        Assert.Contains("--account manque", noAccount.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, noServer.ExitCode);
        Assert.Contains("--server/-S", noServer.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(work, "*.xml"));
    }
}
