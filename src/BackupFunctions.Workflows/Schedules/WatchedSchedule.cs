using BackupFunctions.Workflows.Alerts;

namespace BackupFunctions.Workflows.Schedules;

/// <summary>One unit of an enabled schedule the dead-man check watches: when it is due, and what work must land.</summary>
/// <param name="UnitKey">The database or tenant of a per-unit schedule (as in its instance ids); null for a single-unit one.</param>
public sealed record WatchedSchedule(string Name, string? UnitKey, CronSchedule Cron, ScheduledWork Work)
{
    /// <summary>The dedupe key of this unit's missed-schedule alert.</summary>
    public string AlertKey => AlertKeys.MissedSchedule(Name, UnitKey);
}
