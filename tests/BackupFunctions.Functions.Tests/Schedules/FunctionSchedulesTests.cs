using BackupFunctions.Functions.Schedules;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Schedules;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Functions.Tests.Schedules;

public sealed class FunctionSchedulesTests
{
    private static FunctionSchedules Defaults() => FunctionSchedules.FromConfiguration(new ConfigurationBuilder().Build());

    private static FunctionSchedules With(params (string Key, string Value)[] settings) =>
        FunctionSchedules.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    private static DateTime Utc(int year, int month, int day, int hour, int minute = 0, int second = 0, int ms = 0) =>
        new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddMilliseconds(ms);

    [Theory]
    [InlineData("FullBackup", "FullBackupTimer", "FullBackupSchedule", OrchestrationNames.FullBackup)]
    [InlineData("TenantBackup", "TenantBackupTimer", "TenantBackupSchedule", OrchestrationNames.TenantBackup)]
    [InlineData("FilesBackup", "FilesBackupTimer", "FilesBackupSchedule", OrchestrationNames.FilesBackup)]
    [InlineData("IntegrityCheck", "IntegrityCheckTimer", "IntegrityCheckSchedule", OrchestrationNames.VerifyIntegrity)]
    [InlineData("Retention", "RetentionTimer", "RetentionSchedule", OrchestrationNames.Retention)]
    [InlineData("TestRestore", "TestRestoreTimer", "TestRestoreSchedule", OrchestrationNames.TestRestore)]
    [InlineData("BaseBackup", "BaseBackupTimer", "BaseBackupSchedule", OrchestrationNames.BaseBackup)]
    [InlineData("WalArchivingCheck", "WalArchivingCheckTimer", "WalArchivingCheckSchedule", OrchestrationNames.WalArchivingCheck)]
    public void Each_schedule_names_its_timer_setting_and_orchestration(string name, string function, string setting, string orchestration)
    {
        var schedule = Defaults()[name];
        Assert.Equal(function, schedule.FunctionName);
        Assert.Equal(setting, schedule.SettingName);
        Assert.Equal(orchestration, schedule.Orchestration);
    }

    [Fact]
    public void A_firing_on_time_or_late_is_for_the_latest_due_time()
    {
        var full = Defaults()[ScheduleName.FullBackup]; // 0 0 2 * * *
        Assert.Equal(Utc(2026, 3, 1, 2), full.DueTimeFor(Utc(2026, 3, 1, 2)));
        Assert.Equal(Utc(2026, 3, 1, 2), full.DueTimeFor(Utc(2026, 3, 1, 2, 0, 0, 350)));
        // Past due: the app was down at 02:00 and fired on start-up at 09:17.
        Assert.Equal(Utc(2026, 3, 1, 2), full.DueTimeFor(Utc(2026, 3, 1, 9, 17)));
    }

    [Fact]
    public void A_firing_a_moment_early_is_for_the_coming_due_time_not_yesterdays()
    {
        var full = Defaults()[ScheduleName.FullBackup];
        Assert.Equal(Utc(2026, 3, 1, 2), full.DueTimeFor(Utc(2026, 3, 1, 1, 59, 59, 990)));
        // Well before the due time it is still the previous one.
        Assert.Equal(Utc(2026, 2, 28, 2), full.DueTimeFor(Utc(2026, 3, 1, 1, 59, 50)));
    }

    [Fact]
    public void Monthly_and_weekly_schedules_find_their_due_time_weeks_back()
    {
        var test = Defaults()[ScheduleName.TestRestore]; // 0 0 5 1 * *
        Assert.Equal(Utc(2026, 3, 1, 5), test.DueTimeFor(Utc(2026, 3, 28, 12)));
        var tenant = Defaults()[ScheduleName.TenantBackup]; // 0 0 3 * * 0 (Sundays)
        Assert.Equal(Utc(2026, 3, 1, 3), tenant.DueTimeFor(Utc(2026, 3, 6, 23)));
    }

    [Fact]
    public void The_app_setting_overrides_the_default_and_five_fields_are_accepted()
    {
        var schedules = With(("FullBackupSchedule", "0 15 1 * * *"), ("RetentionSchedule", "45 3 * * *"));
        Assert.Equal(Utc(2026, 3, 1, 1, 15), schedules[ScheduleName.FullBackup].DueTimeFor(Utc(2026, 3, 1, 1, 20)));
        Assert.Equal(Utc(2026, 3, 1, 3, 45), schedules[ScheduleName.Retention].DueTimeFor(Utc(2026, 3, 1, 4)));
        Assert.Equal("0 0 4 * * *", schedules[ScheduleName.FilesBackup].Cron.Expression);
    }

    [Fact]
    public void A_bad_setting_is_reported_with_its_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => With(("IntegrityCheckSchedule", "every hour")));
        Assert.Contains("IntegrityCheckSchedule", error.Message);
    }

    [Theory]
    [InlineData("AzureWebJobs.FullBackupTimer.Disabled", "true")]
    [InlineData("AzureWebJobs.FullBackupTimer.Disabled", "1")]
    [InlineData("AzureWebJobs:FullBackupTimer:Disabled", "True")]
    public void A_timer_disabled_by_the_hosts_switch_is_not_watched_by_the_dead_man_check(string key, string value)
    {
        var schedules = With((key, value), ("TestRestoreSchedule", "0 0 6 2 * *"));
        Assert.False(schedules[ScheduleName.FullBackup].Enabled);
        Assert.True(schedules[ScheduleName.TestRestore].Enabled);

        var options = new BackupFunctions.Workflows.Configuration.BackupFunctionsOptions();
        options.Source.ConnectionString = "Host=db.example.com;Database=appdb;Username=app";
        var watch = ScheduleWatch.Build(schedules.All.Select(s => (s.Name, s.Cron, s.Enabled)), options, hostStartedAt: null);
        var watched = Assert.Single(watch.Schedules);
        Assert.Equal("schedule.missed:TestRestore", watched.AlertKey);
        Assert.Equal("0 0 6 2 * *", watched.Cron.Expression);
        Assert.Equal("appdb", watched.Work.Database);
        Assert.Null(watch.HostStartedAt);
    }

    [Fact]
    public void A_timer_left_on_is_enabled()
    {
        Assert.All(With(("AzureWebJobs.FullBackupTimer.Disabled", "false")).All, s => Assert.True(s.Enabled));
    }
}
