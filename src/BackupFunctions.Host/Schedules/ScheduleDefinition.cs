using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Host.Schedules;

/// <summary>A configured schedule: when it is due, which orchestration it starts, and with which inputs.</summary>
public sealed record ScheduleDefinition(
    string Name,
    CronSchedule Cron,
    bool Enabled,
    bool RunMissedOnStartup,
    string Orchestration,
    Func<BackupFunctionsOptions, IReadOnlyList<ScheduledUnit>> Units);
