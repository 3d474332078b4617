namespace BackupFunctions.Workflows.Schedules;

/// <summary>
/// The dead-man arithmetic of a schedule, pure so that each case is tested without a clock. The due time judged is the
/// latest one whose grace has run out (<c>due + grace &lt;= now</c>): the run of that due time had its whole window. It
/// counts only when it fell after the schedule was first watched (a new install, or a schedule just enabled, is not
/// blamed for due times before it existed), and its deadline is moved to the host's start plus the grace when the host
/// started later, so a host that was down and is catching up (runs missed on start-up) does not cry wolf.
/// </summary>
public static class ScheduleWindow
{
    /// <param name="watchedSinceUtc">When the schedule (this unit) was first seen enabled by the check; persisted.</param>
    /// <param name="hostStartedUtc">When this host started; null where a process start says nothing (the Function App scales to zero).</param>
    /// <param name="lastGoodRunUtc">When the newest good run of the schedule's work finished; null when none ever did.</param>
    public static ScheduleVerdict Judge(
        CronSchedule cron, TimeSpan grace, DateTime nowUtc, DateTime watchedSinceUtc, DateTime? hostStartedUtc, DateTime? lastGoodRunUtc)
    {
        if (grace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(grace), grace, "The grace of a schedule cannot be negative.");
        }

        if (cron.LatestAtOrBefore(nowUtc - grace) is not { } due || due < watchedSinceUtc)
        {
            return new ScheduleVerdict(ScheduleState.NotDue, null, null);
        }

        var deadline = (hostStartedUtc is { } started && started > due ? started : due) + grace;
        if (lastGoodRunUtc is { } good && good >= due)
        {
            return new ScheduleVerdict(ScheduleState.Met, due, deadline);
        }

        return nowUtc < deadline
            ? new ScheduleVerdict(ScheduleState.Pending, due, deadline)
            : new ScheduleVerdict(ScheduleState.Missed, due, deadline);
    }
}
