using BackupFunctions.Host.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Schedules;

/// <summary>
/// Runs the enabled schedules in this process: at each due time it starts that due time's orchestrations through
/// <see cref="ScheduledRunStarter"/>, which makes the start happen once however many hosts fire. On start-up, a
/// schedule that has run before and whose latest due time has no instance (everything was down then) runs that
/// due time once; older missed ones are not replayed.
/// </summary>
public sealed class TimerScheduler(
    ScheduleCatalog catalog, ScheduledRunStarter starter, TimeProvider time, ILogger<TimerScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var enabled = catalog.All.Where(s => s.Enabled).ToList();
        foreach (var schedule in catalog.All.Where(s => !s.Enabled))
        {
            Log.ScheduleDisabled(logger, schedule.Name);
        }

        return Task.WhenAll(enabled.Select(s => RunScheduleAsync(s, stoppingToken)));
    }

    private async Task RunScheduleAsync(ScheduleDefinition schedule, CancellationToken ct)
    {
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            Log.ScheduleActive(logger, schedule.Name, schedule.Cron.Expression, schedule.Orchestration, schedule.Cron.NextAfter(now));
            if (schedule.RunMissedOnStartup)
            {
                await RunMissedAsync(schedule, now, ct);
            }

            var due = schedule.Cron.NextAfter(now);
            while (!ct.IsCancellationRequested)
            {
                await DelayUntilAsync(due, ct);
                await FireAsync(schedule, due, ct);

                // Behind by more than one period (a long pause): run only the latest due time, not each one missed.
                now = time.GetUtcNow().UtcDateTime;
                var next = schedule.Cron.NextAfter(due);
                due = next <= now ? schedule.Cron.LatestAtOrBefore(now) ?? schedule.Cron.NextAfter(now) : next;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RunMissedAsync(ScheduleDefinition schedule, DateTime now, CancellationToken ct)
    {
        if (schedule.Cron.LatestAtOrBefore(now) is not { } latest)
        {
            return;
        }

        try
        {
            if (await starter.HasRunBeforeAsync(schedule, ct))
            {
                var outcomes = await starter.StartAsync(schedule, latest, ct);
                if (outcomes.Any(o => o.Started))
                {
                    Log.MissedRunStarted(logger, schedule.Name, latest);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ScheduleStartFailed(logger, ex, schedule.Name, latest);
        }
    }

    /// <summary>Starts one due time, retrying a failing store until the next due time takes over.</summary>
    private async Task FireAsync(ScheduleDefinition schedule, DateTime due, CancellationToken ct)
    {
        var giveUpAt = schedule.Cron.NextAfter(due);
        while (true)
        {
            try
            {
                await starter.StartAsync(schedule, due, ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ScheduleStartFailed(logger, ex, schedule.Name, due);
                if (time.GetUtcNow().UtcDateTime + RetryDelay >= giveUpAt)
                {
                    return;
                }

                await Task.Delay(RetryDelay, time, ct);
            }
        }
    }

    private async Task DelayUntilAsync(DateTime dueUtc, CancellationToken ct)
    {
        // Loop: the due time must really have passed on this clock before its run starts.
        while (true)
        {
            var wait = dueUtc - time.GetUtcNow().UtcDateTime;
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            // Task.Delay takes at most ~49 days; yearly schedules wait in pieces.
            await Task.Delay(wait < MaxWait ? wait : MaxWait, time, ct);
        }
    }
}
