using System.Text;
using System.Xml.Linq;
using CrmDb.Runner.Maintenance;

namespace CrmDb.Tests.Maintenance;

/// <summary>
/// The Task Scheduler task files of crmdb maintenance schedule --windows (issue 16, items 5 and 6):
/// well-formed, in the Task Scheduler namespace, with the elements the schema requires (Task:
/// Actions; Actions: at least one action; Exec: Command; CalendarTrigger: StartBoundary and one
/// ScheduleBy* element; Actions' Context naming a Principal id: "taskType Complex Type",
/// "calendarTriggerType Complex Type", "Task Element" (PrincipalKey/ContextKeyRef), learn.microsoft.com).
/// </summary>
public sealed class WindowsTaskFileTests
{
    private static readonly XNamespace Ns = WindowsTaskFile.Namespace;

    public static TheoryData<string> Slots() => new(MaintenanceSlot.All);

    [Theory]
    [MemberData(nameof(Slots))]
    public void Each_slots_task_has_the_elements_the_schema_requires(string slot)
    {
        var task = Reparse(slot);

        Assert.Equal(Ns + "Task", task.Root!.Name);
        Assert.Equal("1.2", task.Root.Attribute("version")!.Value);
        var actions = Assert.Single(task.Root.Elements(Ns + "Actions"));
        var exec = Assert.Single(actions.Elements(Ns + "Exec"));
        Assert.Equal("crmdb", Assert.Single(exec.Elements(Ns + "Command")).Value);
        Assert.Equal($"maintenance run --slot {slot} -S \"SRV\\SAGE\" -d \"CRM\" -E", Assert.Single(exec.Elements(Ns + "Arguments")).Value);

        var trigger = Assert.Single(task.Root.Element(Ns + "Triggers")!.Elements(Ns + "CalendarTrigger"));
        Assert.True(DateTime.TryParse(Assert.Single(trigger.Elements(Ns + "StartBoundary")).Value, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out _));
        Assert.Single(trigger.Elements(), e => e.Name.LocalName.StartsWith("ScheduleBy", StringComparison.Ordinal));

        // The key reference of the Task element: Actions' Context names a Principal's id.
        var principal = Assert.Single(task.Root.Element(Ns + "Principals")!.Elements(Ns + "Principal"));
        Assert.Equal(principal.Attribute("id")!.Value, actions.Attribute("Context")!.Value);
        Assert.Equal(@"DOM\svc-crmdb", principal.Element(Ns + "UserId")!.Value);
        Assert.Equal("Password", principal.Element(Ns + "LogonType")!.Value);

        // No element outside the namespace.
        Assert.All(task.Descendants(), e => Assert.Equal(Ns, e.Name.Namespace));
    }

    [Fact]
    public void Each_slot_recurs_as_its_schedule_says()
    {
        var hourly = Reparse(MaintenanceSlot.Hourly).Descendants(Ns + "CalendarTrigger").Single();
        Assert.Equal("PT1H", hourly.Element(Ns + "Repetition")!.Element(Ns + "Interval")!.Value);
        Assert.Equal("1", hourly.Element(Ns + "ScheduleByDay")!.Element(Ns + "DaysInterval")!.Value);

        var weekly = Reparse(MaintenanceSlot.Weekly).Descendants(Ns + "ScheduleByWeek").Single();
        Assert.Equal("Sunday", Assert.Single(weekly.Element(Ns + "DaysOfWeek")!.Elements()).Name.LocalName);

        var monthly = Reparse(MaintenanceSlot.Monthly).Descendants(Ns + "ScheduleByMonth").Single();
        Assert.Equal("1", monthly.Element(Ns + "DaysOfMonth")!.Element(Ns + "Day")!.Value);
        Assert.Equal(12, monthly.Element(Ns + "Months")!.Elements().Count());
        Assert.Equal("January", monthly.Element(Ns + "Months")!.Elements().First().Name.LocalName);
    }

    [Fact]
    public void The_file_is_UTF16_with_its_byte_order_mark_and_says_so()
    {
        byte[] bytes = WindowsTaskFile.Serialize(WindowsTaskFile.Build(MaintenanceSchedule.Of(MaintenanceSlot.Nightly), "SRV", "CRM", "DOM\\svc", "crmdb"));

        Assert.Equal(new byte[] { 0xFF, 0xFE }, bytes[..2]);
        string text = Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-16\"?>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schtasks_line_registers_the_file_under_the_account_and_asks_for_its_password() =>
        Assert.Equal(
            "schtasks /Create /TN \"CrmDb\\maintenance CRM weekly\" /XML \"C:\\t\\crmdb-maintenance-weekly.xml\" /RU \"DOM\\svc\" /RP *",
            WindowsTaskFile.SchtasksLine(@"C:\t\crmdb-maintenance-weekly.xml", "CRM", MaintenanceSlot.Weekly, @"DOM\svc"));

    private static XDocument Reparse(string slot)
    {
        byte[] bytes = WindowsTaskFile.Serialize(WindowsTaskFile.Build(MaintenanceSchedule.Of(slot), @"SRV\SAGE", "CRM", @"DOM\svc-crmdb", "crmdb"));
        using var stream = new MemoryStream(bytes);
        return XDocument.Load(stream);
    }
}
