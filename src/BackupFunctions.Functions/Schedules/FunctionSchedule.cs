using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Functions.Schedules;

/// <summary>
/// One product schedule as the Function App runs it: the timer function <see cref="FunctionName"/> fires on the
/// app setting <see cref="SettingName"/> (<c>[TimerTrigger("%FullBackupSchedule%")]</c>) and starts
/// <see cref="Orchestration"/> once per unit.
/// </summary>
public sealed record FunctionSchedule(
    string Name, CronSchedule Cron, string Orchestration, Func<BackupFunctionsOptions, IReadOnlyList<ScheduledUnit>> Units)
{
    /// <summary>
    /// How early a firing may come and still belong to the next due time. The worker reads its own clock, a few
    /// milliseconds apart from the host's; without this a firing at 01:59:59.998 would be taken for yesterday's run,
    /// whose instance exists, and start nothing. Far below the shortest product schedule (hourly).
    /// </summary>
    public static readonly TimeSpan EarlyFiringTolerance = TimeSpan.FromSeconds(2);

    /// <summary>False when the app setting <c>AzureWebJobs.{Name}Timer.Disabled</c> turns the timer off: nothing then fires, so nothing is expected.</summary>
    public bool Enabled { get; init; } = true;

    public string FunctionName => FunctionNameOf(Name);

    public string SettingName => SettingNameOf(Name);

    public static string FunctionNameOf(string name) => name + "Timer";

    public static string SettingNameOf(string name) => name + "Schedule";

    /// <summary>The due time a firing at <paramref name="nowUtc"/> is for, or null when the schedule had none in 400 days.</summary>
    public DateTime? DueTimeFor(DateTime nowUtc) => Cron.LatestAtOrBefore(nowUtc.ToUniversalTime() + EarlyFiringTolerance);
}
