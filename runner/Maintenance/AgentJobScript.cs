using System.Globalization;
using System.Text;
using CrmDb.Clr;

namespace CrmDb.Runner.Maintenance;

/// <summary>
/// The T-SQL that creates one SQL Server Agent job per slot (msdb.dbo.sp_add_job, sp_add_jobstep,
/// sp_add_schedule, sp_attach_schedule, sp_add_jobserver; "SQL Server Agent Stored Procedures",
/// learn.microsoft.com). One batch, no GO, re-runnable: an existing CrmDb job of the same name is
/// deleted first. It refuses to run on Express (SERVERPROPERTY('EngineEdition') = 4), which has
/// no SQL Server Agent: there, crmdb maintenance schedule --windows. Names are literals quoted by
/// the rules of QUOTENAME for strings (a doubled quote); the script is text for a DBA to read and
/// run, the documented exception to "values as parameters".
/// </summary>
public static class AgentJobScript
{
    /// <summary>The job name of <paramref name="slot"/> for <paramref name="crmDatabase"/>.</summary>
    public static string JobName(string crmDatabase, string slot) => $"CrmDb maintenance {crmDatabase} {slot}";

    /// <summary>
    /// The script for <paramref name="crmDatabase"/> (the database holding dbo.MC_maintenance);
    /// <paramref name="owner"/>, when given, owns the jobs (their T-SQL steps run under it unless it is sysadmin).
    /// </summary>
    public static string Build(string crmDatabase, string? owner, IReadOnlyList<SlotSchedule>? schedules = null)
    {
        SqlName.Quote(crmDatabase); // a name QUOTENAME would refuse fails here, before any text
        var text = new StringBuilder();
        text.Append("-- CrmDb maintenance: SQL Server Agent jobs for the slots of dbo.MC_MaintenancePlan in ").Append(SqlName.Quote(crmDatabase)).Append(".\n");
        text.Append("-- Written by crmdb maintenance schedule --agent. Re-runnable: each job is deleted, then created again.\n");
        text.Append("SET NOCOUNT ON;\n");
        text.Append("IF CONVERT(int, SERVERPROPERTY('EngineEdition')) = ").Append(MaintenanceDecisions.ExpressEngineEdition.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("BEGIN\n");
        text.Append("    RAISERROR(N'%s', 16, 1, N'SQL Server Express n''a pas d''Agent SQL Server : planifiez la maintenance avec crmdb maintenance schedule --windows.');\n");
        text.Append("    RETURN;\n");
        text.Append("END;\n");
        foreach (SlotSchedule schedule in schedules ?? MaintenanceSchedule.Default)
        {
            AppendJob(text, crmDatabase, owner, schedule);
        }

        return text.ToString();
    }

    /// <summary>The job step's command: a non-zero return code of dbo.MC_maintenance fails the step (a T-SQL step fails only on an error).</summary>
    public static string StepCommand(string slot) =>
        $"DECLARE @ReturnCode int; EXEC @ReturnCode = dbo.MC_maintenance @Slot = '{slot}', @Databases = N'ALL'; "
        + "IF @ReturnCode <> 0 RAISERROR(N'MC_maintenance a rendu %d : voir dbo.MC_MaintenanceLog.', 16, 1, @ReturnCode);";

    private static void AppendJob(StringBuilder text, string crmDatabase, string? owner, SlotSchedule schedule)
    {
        string job = Literal(JobName(crmDatabase, schedule.Slot));
        var (freqType, freqInterval, subdayType, subdayInterval, recurrenceFactor) = Frequency(schedule);
        string startTime = (schedule.Start.Hour * 10000 + schedule.Start.Minute * 100).ToString(CultureInfo.InvariantCulture);

        text.Append('\n').Append("-- ").Append(schedule.Slot).Append('\n');
        text.Append("IF EXISTS (SELECT 1 FROM msdb.dbo.sysjobs WHERE name = ").Append(job).Append(")\n");
        text.Append("    EXEC msdb.dbo.sp_delete_job @job_name = ").Append(job).Append(", @delete_unused_schedule = 1;\n");
        text.Append("EXEC msdb.dbo.sp_add_job @job_name = ").Append(job)
            .Append(", @enabled = 1, @description = ").Append(Literal($"CrmDb : créneau {schedule.Slot} du plan de maintenance (dbo.MC_maintenance, journal dbo.MC_MaintenanceLog)."));
        if (owner is not null)
        {
            text.Append(", @owner_login_name = ").Append(Literal(owner));
        }

        text.Append(";\n");
        text.Append("EXEC msdb.dbo.sp_add_jobstep @job_name = ").Append(job)
            .Append(", @step_name = ").Append(Literal("MC_maintenance " + schedule.Slot))
            .Append(", @subsystem = N'TSQL', @database_name = ").Append(Literal(crmDatabase))
            .Append(", @command = ").Append(Literal(StepCommand(schedule.Slot))).Append(";\n");
        text.Append("EXEC msdb.dbo.sp_add_schedule @schedule_name = ").Append(job)
            .Append(", @freq_type = ").Append(freqType)
            .Append(", @freq_interval = ").Append(freqInterval)
            .Append(", @freq_subday_type = ").Append(subdayType)
            .Append(", @freq_subday_interval = ").Append(subdayInterval)
            .Append(", @freq_recurrence_factor = ").Append(recurrenceFactor)
            .Append(", @active_start_time = ").Append(startTime).Append(";\n");
        text.Append("EXEC msdb.dbo.sp_attach_schedule @job_name = ").Append(job).Append(", @schedule_name = ").Append(job).Append(";\n");
        text.Append("EXEC msdb.dbo.sp_add_jobserver @job_name = ").Append(job).Append(", @server_name = N'(local)';\n");
    }

    /// <summary>
    /// sp_add_schedule's frequency: freq_type 4 daily, 8 weekly (freq_interval a bit per day,
    /// 1 = Sunday .. 64 = Saturday), 16 monthly (freq_interval the day); freq_subday_type 1 at
    /// the start time, 8 every freq_subday_interval hours ("sp_add_schedule (Transact-SQL)").
    /// </summary>
    internal static (int FreqType, int FreqInterval, int SubdayType, int SubdayInterval, int RecurrenceFactor) Frequency(SlotSchedule schedule) =>
        schedule.Recurrence switch
        {
            Recurrence.Hourly => (4, 1, 8, 1, 0),
            Recurrence.Daily => (4, 1, 1, 0, 0),
            Recurrence.Weekly => (8, 1 << (schedule.IsoWeekday % 7), 1, 0, 1),
            Recurrence.Monthly => (16, schedule.DayOfMonth, 1, 0, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.Recurrence, "Unknown recurrence."),
        };

    private static string Literal(string value) => "N'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
