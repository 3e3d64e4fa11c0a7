using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace CrmDb.Runner.Maintenance;

/// <summary>
/// One Windows Task Scheduler task per slot, for editions without SQL Server Agent (Express): a
/// task file in the Task Scheduler namespace with what the schema requires (the Task element's
/// Actions, with an Exec and its Command; a CalendarTrigger's StartBoundary and one ScheduleBy*
/// element: "Task Scheduler Schema Elements", learn.microsoft.com), and the schtasks /Create /XML
/// line that registers it. Each task runs crmdb maintenance run --slot S with integrated security
/// (-E) under the account the DBA names, whose password Windows keeps (LogonType Password).
/// </summary>
public static class WindowsTaskFile
{
    /// <summary>The Task Scheduler namespace.</summary>
    public const string Namespace = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    private static readonly XNamespace Ns = Namespace;

    /// <summary>The task name under the Task Scheduler library: \CrmDb\maintenance &lt;database&gt; &lt;slot&gt;.</summary>
    public static string TaskName(string database, string slot) => $@"CrmDb\maintenance {database} {slot}";

    /// <summary>The file name for <paramref name="slot"/>.</summary>
    public static string FileName(string slot) => $"crmdb-maintenance-{slot}.xml";

    /// <summary>The arguments of crmdb for <paramref name="slot"/>.</summary>
    public static string Arguments(string slot, string server, string database) =>
        $"maintenance run --slot {slot} -S {Quote(server)} -d {Quote(database)} -E";

    /// <summary>The task document for one slot.</summary>
    public static XDocument Build(SlotSchedule schedule, string server, string database, string account, string crmdbCommand)
    {
        // The first run: 1 January 2026 at the slot's time (a boundary in the past starts the pattern at once).
        var start = new DateTime(2026, 1, 1, schedule.Start.Hour, schedule.Start.Minute, 0, DateTimeKind.Unspecified);
        var trigger = new XElement(Ns + "CalendarTrigger");
        if (schedule.Recurrence == Recurrence.Hourly)
        {
            trigger.Add(new XElement(Ns + "Repetition",
                new XElement(Ns + "Interval", "PT1H"),
                new XElement(Ns + "Duration", "P1D"),
                new XElement(Ns + "StopAtDurationEnd", "false")));
        }

        trigger.Add(
            new XElement(Ns + "StartBoundary", start.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            new XElement(Ns + "Enabled", "true"),
            ScheduleElement(schedule));

        return new XDocument(
            new XElement(Ns + "Task",
                new XAttribute("version", "1.2"),
                new XElement(Ns + "RegistrationInfo",
                    new XElement(Ns + "Description",
                        $"CrmDb : créneau {schedule.Slot} du plan de maintenance de {database} (dbo.MC_maintenance, journal dbo.MC_MaintenanceLog)."),
                    new XElement(Ns + "URI", @"\" + TaskName(database, schedule.Slot))),
                new XElement(Ns + "Triggers", trigger),
                new XElement(Ns + "Principals",
                    new XElement(Ns + "Principal", new XAttribute("id", "Author"),
                        new XElement(Ns + "UserId", account),
                        new XElement(Ns + "LogonType", "Password"),
                        new XElement(Ns + "RunLevel", "LeastPrivilege"))),
                new XElement(Ns + "Settings",
                    new XElement(Ns + "MultipleInstancesPolicy", "IgnoreNew"),
                    new XElement(Ns + "DisallowStartIfOnBatteries", "false"),
                    new XElement(Ns + "StopIfGoingOnBatteries", "false"),
                    new XElement(Ns + "StartWhenAvailable", "true"),
                    new XElement(Ns + "Enabled", "true"),
                    new XElement(Ns + "ExecutionTimeLimit", schedule.Recurrence == Recurrence.Hourly ? "PT50M" : "PT6H")),
                new XElement(Ns + "Actions", new XAttribute("Context", "Author"),
                    new XElement(Ns + "Exec",
                        new XElement(Ns + "Command", crmdbCommand),
                        new XElement(Ns + "Arguments", Arguments(schedule.Slot, server, database))))));
    }

    /// <summary>The file's bytes: UTF-16 with its byte order mark, as schtasks /XML reads task files.</summary>
    public static byte[] Serialize(XDocument document)
    {
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: true), Indent = true };
        using (var writer = XmlWriter.Create(stream, settings))
        {
            document.Save(writer);
        }

        return stream.ToArray();
    }

    /// <summary>The line that registers the task; /RP * makes schtasks ask for the account's password.</summary>
    public static string SchtasksLine(string filePath, string database, string slot, string account) =>
        $"schtasks /Create /TN {Quote(TaskName(database, slot))} /XML {Quote(filePath)} /RU {Quote(account)} /RP *";

    private static XElement ScheduleElement(SlotSchedule schedule) => schedule.Recurrence switch
    {
        Recurrence.Hourly or Recurrence.Daily => new XElement(Ns + "ScheduleByDay", new XElement(Ns + "DaysInterval", "1")),
        Recurrence.Weekly => new XElement(Ns + "ScheduleByWeek",
            new XElement(Ns + "WeeksInterval", "1"),
            new XElement(Ns + "DaysOfWeek", new XElement(Ns + DayName(schedule.IsoWeekday)))),
        Recurrence.Monthly => new XElement(Ns + "ScheduleByMonth",
            new XElement(Ns + "DaysOfMonth", new XElement(Ns + "Day", schedule.DayOfMonth.ToString(CultureInfo.InvariantCulture))),
            new XElement(Ns + "Months", CultureInfo.InvariantCulture.DateTimeFormat.MonthNames.Take(12).Select(month => new XElement(Ns + month)))),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.Recurrence, "Unknown recurrence."),
    };

    private static string DayName(int isoWeekday) => ((DayOfWeek)(isoWeekday % 7)).ToString();

    private static string Quote(string value) => "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
