using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Workflows.Tests.Schedules;

/// <summary>The dead-man arithmetic of <see cref="ScheduleWindow"/> on NCrontab schedules, one case each, without a clock.</summary>
public sealed class ScheduleWindowTests
{
    private static readonly CronSchedule Nightly = CronSchedule.Parse("0 0 2 * * *");
    private static readonly CronSchedule Monthly = CronSchedule.Parse("0 0 5 1 * *");
    private static readonly TimeSpan Grace = TimeSpan.FromHours(4);
    private static readonly DateTime LongAgo = Utc(2026, 1, 1);

    private static DateTime Utc(int y, int mo, int d, int h = 0, int mi = 0) => new(y, mo, d, h, mi, 0, DateTimeKind.Utc);

    [Fact]
    public void A_good_run_after_the_latest_due_time_meets_it()
    {
        var v = ScheduleWindow.Judge(Nightly, Grace, Utc(2026, 3, 10, 7), LongAgo, null, Utc(2026, 3, 10, 2, 40));
        Assert.Equal(ScheduleState.Met, v.State);
        Assert.Equal(Utc(2026, 3, 10, 2), v.DueUtc);
        Assert.Equal(Utc(2026, 3, 10, 6), v.DeadlineUtc);
    }

    [Fact]
    public void No_good_run_since_the_due_time_once_its_grace_ran_out_is_missed()
    {
        // The last good run was the night before: today's 02:00 run never landed, and 06:00 has passed.
        var v = ScheduleWindow.Judge(Nightly, Grace, Utc(2026, 3, 10, 6), LongAgo, null, Utc(2026, 3, 9, 2, 30));
        Assert.Equal(ScheduleState.Missed, v.State);
        Assert.Equal(Utc(2026, 3, 10, 2), v.DueUtc);
        Assert.Equal(ScheduleState.Missed, ScheduleWindow.Judge(Nightly, Grace, Utc(2026, 3, 10, 6), LongAgo, null, null).State);
    }

    [Fact]
    public void Within_the_grace_the_previous_due_time_is_judged_not_the_running_one()
    {
        // 05:59: today's run still has a minute; yesterday's is what counts, and it landed.
        var v = ScheduleWindow.Judge(Nightly, Grace, Utc(2026, 3, 10, 5, 59), LongAgo, null, Utc(2026, 3, 9, 2, 30));
        Assert.Equal(ScheduleState.Met, v.State);
        Assert.Equal(Utc(2026, 3, 9, 2), v.DueUtc);
    }

    [Fact]
    public void A_schedule_never_due_since_it_was_first_watched_stays_quiet()
    {
        // Watched from the 10th: the monthly run of the 1st was before, and the next one's grace has not run out.
        var v = ScheduleWindow.Judge(Monthly, Grace, Utc(2026, 3, 20), Utc(2026, 3, 10), null, null);
        Assert.Equal(ScheduleState.NotDue, v.State);
        Assert.Null(v.DueUtc);
        // On the 1st after 09:00 it is due, and nothing ever ran: missed.
        Assert.Equal(ScheduleState.Missed, ScheduleWindow.Judge(Monthly, Grace, Utc(2026, 4, 1, 9), Utc(2026, 3, 10), null, null).State);
    }

    [Fact]
    public void A_host_just_started_gets_the_grace_from_its_start()
    {
        // Down over 02:00, started at 08:00 (and catching up): missed only if nothing landed by 12:00.
        var started = Utc(2026, 3, 10, 8);
        var pending = ScheduleWindow.Judge(Nightly, Grace, Utc(2026, 3, 10, 9), LongAgo, started, Utc(2026, 3, 9, 2, 30));
        Assert.Equal(ScheduleState.Pending, pending.State);
        Assert.Equal(Utc(2026, 3, 10, 12), pending.DeadlineUtc);
        Assert.Equal(ScheduleState.Missed, ScheduleWindow.Judge(Nightly, Grace, Utc(2026, 3, 10, 12), LongAgo, started, Utc(2026, 3, 9, 2, 30)).State);
        Assert.Equal(ScheduleState.Met, ScheduleWindow.Judge(Nightly, Grace, Utc(2026, 3, 10, 9), LongAgo, started, Utc(2026, 3, 10, 8, 20)).State);
        // A host started long ago changes nothing.
        Assert.Equal(ScheduleState.Missed, ScheduleWindow.Judge(Nightly, Grace, Utc(2026, 3, 10, 9), LongAgo, LongAgo, Utc(2026, 3, 9, 2, 30)).State);
    }

    [Fact]
    public void A_negative_grace_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScheduleWindow.Judge(Nightly, TimeSpan.FromMinutes(-1), Utc(2026, 3, 10), LongAgo, null, null));
    }
}
