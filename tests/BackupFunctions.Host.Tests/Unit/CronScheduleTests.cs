using BackupFunctions.Host.Schedules;

namespace BackupFunctions.Host.Tests.Unit;

public sealed class CronScheduleTests
{
    private static DateTime Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, DateTimeKind.Utc);

    [Fact]
    public void Six_fields_are_seconds_first()
    {
        var cron = CronSchedule.Parse("0 0 2 * * *");
        Assert.Equal(Utc(2026, 3, 1, 2), cron.NextAfter(Utc(2026, 3, 1, 1, 59, 59)));
        Assert.Equal(Utc(2026, 3, 2, 2), cron.NextAfter(Utc(2026, 3, 1, 2)));
        Assert.Equal(DateTimeKind.Utc, cron.NextAfter(Utc(2026, 3, 1)).Kind);
    }

    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("0 0 2 * * * *")]
    [InlineData("")]
    [InlineData("61 0 2 * * *")]
    [InlineData("every day")]
    public void Anything_but_a_valid_six_field_expression_is_rejected_with_a_message(string expression)
    {
        var ex = Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));
        Assert.Contains(expression.Length == 0 ? "expected 6" : expression, ex.Message);
    }

    [Fact]
    public void Latest_due_time_includes_now_itself()
    {
        var cron = CronSchedule.Parse("*/2 * * * * *");
        Assert.Equal(Utc(2026, 3, 1, 0, 0, 10), cron.LatestAtOrBefore(Utc(2026, 3, 1, 0, 0, 10)));
        Assert.Equal(Utc(2026, 3, 1, 0, 0, 10), cron.LatestAtOrBefore(Utc(2026, 3, 1, 0, 0, 11).AddMilliseconds(999)));
    }

    [Fact]
    public void Latest_due_time_finds_weekly_and_monthly_schedules()
    {
        // DESIGN.md defaults: tenant backups on Sundays at 03:00, test restores on the 1st at 05:00.
        var weekly = CronSchedule.Parse(ScheduleName.DefaultCron[ScheduleName.TenantBackup]);
        Assert.Equal(Utc(2026, 3, 1, 3), weekly.LatestAtOrBefore(Utc(2026, 3, 6, 12))); // 2026-03-01 is a Sunday
        var monthly = CronSchedule.Parse(ScheduleName.DefaultCron[ScheduleName.TestRestore]);
        Assert.Equal(Utc(2026, 2, 1, 5), monthly.LatestAtOrBefore(Utc(2026, 3, 1, 4, 59, 59)));
        Assert.Equal(Utc(2026, 3, 1, 5), monthly.LatestAtOrBefore(Utc(2026, 3, 1, 5)));
    }

    [Fact]
    public void A_schedule_that_never_fired_within_400_days_has_no_latest_due_time()
    {
        var leapDay = CronSchedule.Parse("0 0 0 29 2 *");
        Assert.Null(leapDay.LatestAtOrBefore(Utc(2027, 3, 1)));
        Assert.Equal(Utc(2028, 2, 29), leapDay.LatestAtOrBefore(Utc(2028, 3, 1)));
    }

    [Fact]
    public void Every_default_schedule_parses()
    {
        Assert.Equal(6, ScheduleName.DefaultCron.Count);
        Assert.All(ScheduleName.DefaultCron.Values, e => CronSchedule.Parse(e));
    }

    [Fact]
    public void Scheduled_instance_ids_are_a_pure_function_of_schedule_due_time_and_unit()
    {
        var due = Utc(2026, 3, 1, 2);
        Assert.Equal("schedule:fullbackup:20260301T020000Z", ScheduledInstanceId.For(ScheduleName.FullBackup, due));
        Assert.Equal("schedule:fullbackup:20260301T020000Z:app", ScheduledInstanceId.For(ScheduleName.FullBackup, due, "app"));
        Assert.Equal("schedule:fullbackup:20260301T020000Z", ScheduledInstanceId.For(ScheduleName.FullBackup, due, null));
        Assert.StartsWith(ScheduledInstanceId.PrefixFor(ScheduleName.FullBackup), ScheduledInstanceId.For(ScheduleName.FullBackup, due));
        Assert.Equal(
            ScheduledInstanceId.For("Retention", new DateTimeOffset(2026, 3, 1, 4, 30, 0, TimeSpan.FromHours(2)).UtcDateTime),
            ScheduledInstanceId.For("Retention", Utc(2026, 3, 1, 2, 30)));
    }
}
