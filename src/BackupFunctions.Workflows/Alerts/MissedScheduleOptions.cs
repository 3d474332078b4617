using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>"BackupFunctions:Alerts:MissedSchedules": the dead-man check of the schedules (docs/alerts.md).</summary>
public sealed class MissedScheduleOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long after a due time its good run may still land. It must cover the run itself (a full backup of a large
    /// database takes hours) and its retries.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromHours(4);

    /// <summary>By schedule name; a schedule not listed is a warning. A missed full backup is critical: it is the one a restore needs.</summary>
    public Dictionary<string, string> Severity { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [ScheduleName.FullBackup] = AlertSeverity.Critical,
    };

    public string SeverityOf(string schedule) => Severity.TryGetValue(schedule, out var s) ? s : AlertSeverity.Warning;
}
