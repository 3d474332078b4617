using System.Net;
using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Schedules;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Schedules;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Tests.Timers;

/// <summary>
/// The in-process scheduler's start-up catch-up: a due time missed while every host was down runs once. Whether a
/// schedule "ran before" is read from its claims in the control database, not from the task hub's instances, so a
/// purge of old instances neither re-runs a due time nor makes the next missed one look like a first-ever run.
/// </summary>
public sealed class MissedRunTests
{
    private const string Daily = "0 30 4 * * *";
    private const string P = "/runtime/webhooks/durabletask/instances";

    private static Dictionary<string, string?> Settings(string cs, string hub, bool timers = true)
    {
        var settings = HostSettings.For(cs, hub).With("BackupFunctions:Host:RunTimers", timers ? "true" : "false");
        foreach (var name in ScheduleName.DefaultCron.Keys.Where(n => n != ScheduleName.Retention))
        {
            settings[$"BackupFunctions:Schedules:{name}:Enabled"] = "false";
        }

        // Daily, so the next regular due time is hours away and only the catch-up can start anything.
        settings["BackupFunctions:Schedules:Retention:Cron"] = Daily;
        return settings;
    }

    private static Task<TestHost> StartAsync(Dictionary<string, string?> settings, LogCapture? logs = null) =>
        TestHost.StartAsync(settings, b =>
        {
            if (logs is not null)
            {
                b.Logging.AddProvider(logs);
                b.Logging.SetMinimumLevel(LogLevel.Debug);
            }

            b.Services.AddDurableRegistration(TestOrchestrations.Register);
            b.Services.AddDurableRegistration(TestOrchestrations.RegisterProductStandIns);
        });

    private static ScheduleDefinition Retention(TestHost host) =>
        host.Services.GetRequiredService<ScheduleCatalog>().All.Single(s => s.Name == ScheduleName.Retention);

    [Fact]
    public async Task A_schedule_that_ran_before_runs_its_latest_missed_due_time_once_at_start_up()
    {
        await using var db = await TempDatabase.CreateAsync("missed");
        await using var hub = new TestHub();
        var latest = CronSchedule.Parse(Daily).LatestAtOrBefore(DateTime.UtcNow)!.Value;
        var olderDue = latest.AddDays(-3);
        var olderRun = ScheduledInstanceId.For(ScheduleName.Retention, olderDue);
        var missed = ScheduledInstanceId.For(ScheduleName.Retention, latest);

        // The schedule ran three days ago (its claim is in the control database); every host has been down since.
        var state = new ScheduleStateStore(new BackupFunctionsOptions { Control = new ControlOptions { ConnectionString = db.ConnectionString } });
        Assert.True(await state.TryClaimAsync(ScheduleName.Retention, olderDue, "", olderRun, CancellationToken.None));
        await state.MarkStartedAsync(ScheduleName.Retention, olderDue, "", CancellationToken.None);

        string? firstExecution = null;
        for (var i = 0; i < 2; i++)
        {
            // The second start finds the missed run claimed and done, and must not start it again.
            var logs = new LogCapture();
            await using var host = await StartAsync(Settings(db.ConnectionString, hub.Name), logs);
            var started = await Polling.UntilAsync(() => host.Durable.GetInstanceAsync(missed), m => m is not null, $"{missed} to be started");
            var done = await host.Durable.CompletedAsync(started!.InstanceId);

            // The catch-up has made up its mind once it logged the missed run started (1404, which follows the starter's
            // own 1402 once the start returned) or found it claimed (1403). Waiting for 1402 alone raced with 1404.
            await Polling.UntilAsync(() => Task.FromResult(logs.Events), e => e.Any(x => x.Id.Id == 1404 || (x.Message.Contains(missed) && x.Id.Id == 1403)),
                "the start-up catch-up to decide");
            Assert.Contains(logs.Events, x => x.Message.Contains(missed) && x.Id.Id == (i == 0 ? 1402 : 1403));
            Assert.Equal(i == 0, logs.Events.Any(x => x.Id.Id == 1404)); // "missed its due time ... started it now"
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);

            var all = await host.Durable.InstancesAsync(ScheduledInstanceId.PrefixFor(ScheduleName.Retention));
            Assert.Equal([missed], all.Select(m => m.InstanceId));
            var execution = Assert.Single(await hub.ExecutionsAsync(missed)).OrchestrationInstance.ExecutionId;
            firstExecution ??= execution;
            Assert.Equal(firstExecution, execution);
            var history = await (await host.Client(TestKeys.Function).GetAsync($"{P}/{Uri.EscapeDataString(missed)}?showHistory=true")).JsonAsync();
            Assert.Single(history.GetProperty("historyEvents").EnumerateArray(), e => e.Str("EventType") == "ExecutionStarted");
        }
    }

    [Fact]
    public async Task A_schedule_that_never_ran_has_nothing_to_catch_up()
    {
        await using var db = await TempDatabase.CreateAsync("fresh");
        await using var hub = new TestHub();
        await using var host = await StartAsync(Settings(db.ConnectionString, hub.Name));
        Assert.False(await host.Services.GetRequiredService<ScheduledRunStarter>().HasRunBeforeAsync(Retention(host), CancellationToken.None));
    }

    [Fact]
    public async Task A_purge_of_every_instance_neither_reruns_a_due_time_nor_forgets_that_the_schedule_ran()
    {
        await using var db = await TempDatabase.CreateAsync("purged");
        await using var hub = new TestHub();
        var latest = CronSchedule.Parse(Daily).LatestAtOrBefore(DateTime.UtcNow)!.Value;
        var yesterday = latest.AddDays(-1);
        var yesterdayRun = ScheduledInstanceId.For(ScheduleName.Retention, yesterday);
        var missed = ScheduledInstanceId.For(ScheduleName.Retention, latest);

        // Timers off in this host: the test fires the due time itself, as the timer would have yesterday.
        await using (var host = await StartAsync(Settings(db.ConnectionString, hub.Name, timers: false)))
        {
            var starter = host.Services.GetRequiredService<ScheduledRunStarter>();
            var schedule = Retention(host);
            Assert.False(await starter.HasRunBeforeAsync(schedule, CancellationToken.None));
            Assert.True(Assert.Single(await starter.StartAsync(schedule, yesterday, CancellationToken.None)).Started);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Durable.CompletedAsync(yesterdayRun)).RuntimeStatus);

            // An operator purges every finished instance.
            var purge = await host.Client(TestKeys.Admin).DeleteAsync($"{P}?createdTimeFrom=2000-01-01T00:00:00Z");
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
            Assert.True((await purge.JsonAsync()).GetProperty("instancesDeleted").GetInt32() >= 1);
            Assert.Null(await host.Durable.GetInstanceAsync(yesterdayRun));

            // The same due time fires again (a late second host, a retry): its claim outlived the purge, so nothing starts.
            var again = Assert.Single(await starter.StartAsync(schedule, yesterday, CancellationToken.None));
            Assert.Equal(new ScheduledRunOutcome(yesterdayRun, Started: false), again);
            Assert.Null(await host.Durable.GetInstanceAsync(yesterdayRun));
            Assert.True(await starter.HasRunBeforeAsync(schedule, CancellationToken.None));
        }

        // Every host was down at today's due time. The hub holds no instance of the schedule any more, and still the
        // next host knows it ran before, so it catches up the missed due time, once.
        var logs = new LogCapture();
        await using (var host = await StartAsync(Settings(db.ConnectionString, hub.Name), logs))
        {
            var started = await Polling.UntilAsync(() => host.Durable.GetInstanceAsync(missed), m => m is not null, $"{missed} to be started");
            Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Durable.CompletedAsync(started!.InstanceId)).RuntimeStatus);
            await Polling.UntilAsync(() => Task.FromResult(logs.Events), e => e.Any(x => x.Id.Id == 1404), "the missed run to be reported");
            var all = await host.Durable.InstancesAsync(ScheduledInstanceId.PrefixFor(ScheduleName.Retention));
            Assert.Equal([missed], all.Select(m => m.InstanceId));
        }
    }
}
