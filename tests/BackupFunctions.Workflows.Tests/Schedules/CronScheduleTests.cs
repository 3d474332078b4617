using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Workflows.Tests.Schedules;

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
    public void Five_fields_are_minutes_first_where_they_are_allowed()
    {
        var cron = CronSchedule.Parse("45 3 * * *", allowFiveFields: true);
        Assert.Equal("45 3 * * *", cron.Expression);
        Assert.Equal(Utc(2026, 3, 1, 3, 45), cron.NextAfter(Utc(2026, 3, 1, 3)));
        Assert.Equal(Utc(2026, 3, 1, 3, 45), cron.LatestAtOrBefore(Utc(2026, 3, 1, 4)));

        var ex = Assert.Throws<FormatException>(() => CronSchedule.Parse("0 0 2 * * * *", allowFiveFields: true));
        Assert.Contains("expected 6", ex.Message);
        Assert.Contains("or 5", ex.Message);
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
        Assert.Equal(8, ScheduleName.DefaultCron.Count);
        Assert.All(ScheduleName.DefaultCron.Values, e => CronSchedule.Parse(e));
    }

    [Fact]
    public void A_blank_setting_means_the_default_and_a_set_one_is_trimmed()
    {
        Assert.Equal("0 0 2 * * *", ScheduleName.CronOrDefault(ScheduleName.FullBackup, null));
        Assert.Equal("0 0 2 * * *", ScheduleName.CronOrDefault(ScheduleName.FullBackup, "  "));
        Assert.Equal("0 15 1 * * *", ScheduleName.CronOrDefault(ScheduleName.FullBackup, " 0 15 1 * * * "));
    }
}
