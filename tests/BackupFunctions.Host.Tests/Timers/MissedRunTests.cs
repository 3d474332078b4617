using BackupFunctions.Durable;
using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Schedules;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Tests.Timers;

/// <summary>The in-process scheduler's start-up catch-up: a due time missed while every host was down runs once.</summary>
public sealed class MissedRunTests
{
    private static Dictionary<string, string?> Settings(string cs, string hub)
    {
        var settings = HostSettings.For(cs, hub).With("BackupFunctions:Host:RunTimers", "true");
        foreach (var name in ScheduleName.DefaultCron.Keys.Where(n => n != ScheduleName.Retention))
        {
            settings[$"BackupFunctions:Schedules:{name}:Enabled"] = "false";
        }

        // Daily, so the next regular due time is hours away and only the catch-up can start anything.
        settings["BackupFunctions:Schedules:Retention:Cron"] = "0 30 4 * * *";
        return settings;
    }

    [Fact]
    public async Task A_schedule_that_ran_before_runs_its_latest_missed_due_time_once_at_start_up()
    {
        await using var db = await TempDatabase.CreateAsync("missed");
        var hub = HostSettings.NewHub();
        var cron = CronSchedule.Parse("0 30 4 * * *");
        var latest = cron.LatestAtOrBefore(DateTime.UtcNow)!.Value;
        var olderRun = ScheduledInstanceId.For(ScheduleName.Retention, latest.AddDays(-3));
        var missed = ScheduledInstanceId.For(ScheduleName.Retention, latest);

        await using (var seed = new DurableTaskClient(new DurableTaskOptions { ConnectionString = db.ConnectionString, TaskHubName = hub }))
        {
            await seed.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.Echo, "old", new StartOrchestrationOptions(olderRun));
        }

        for (var i = 0; i < 2; i++)
        {
            // The second start finds the missed run done and must not start it again.
            var logs = new LogCapture();
            await using var host = await TestHost.StartAsync(Settings(db.ConnectionString, hub), b =>
            {
                b.Logging.AddProvider(logs);
                b.Logging.SetMinimumLevel(LogLevel.Debug);
                b.Services.AddDurableRegistration(TestOrchestrations.Register);
                b.Services.AddDurableRegistration(TestOrchestrations.RegisterProductStandIns);
            });
            var started = await Polling.UntilAsync(() => host.Durable.GetInstanceAsync(missed), m => m is not null, $"{missed} to be started");
            var done = await host.Durable.CompletedAsync(started!.InstanceId);

            // The catch-up has made up its mind once it logged starting the missed run, or finding it there.
            await Polling.UntilAsync(() => Task.FromResult(logs.Events), e => e.Any(x => x.Message.Contains(missed) && x.Id.Id is 1402 or 1403),
                "the start-up catch-up to decide");
            Assert.Contains(logs.Events, x => x.Message.Contains(missed) && x.Id.Id == (i == 0 ? 1402 : 1403));
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            var all = (await host.Durable.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = ScheduledInstanceId.PrefixFor(ScheduleName.Retention) })).Items;
            Assert.Equal([missed, olderRun], all.Select(m => m.InstanceId).OrderDescending());
            Assert.Single(await host.Durable.GetHistoryAsync(missed), e => e.EventType == HistoryEventType.ExecutionStarted);
        }
    }

    [Fact]
    public async Task A_schedule_that_never_ran_has_nothing_to_catch_up()
    {
        await using var db = await TempDatabase.CreateAsync("fresh");
        var hub = HostSettings.NewHub();
        await using var host = await TestHost.StartAsync(Settings(db.ConnectionString, hub));
        var schedule = host.Services.GetRequiredService<ScheduleCatalog>().All.Single(s => s.Name == ScheduleName.Retention);
        Assert.False(await host.Services.GetRequiredService<ScheduledRunStarter>().HasRunBeforeAsync(schedule, CancellationToken.None));
    }
}
