using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Pitr;
using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Workflows.Activities;

/// <summary>The dead-man check takes no input: the schedules come from the host (<see cref="ScheduleWatch"/>).</summary>
public sealed record CheckSchedulesRequest;

/// <param name="Key">The unit's alert key (<c>schedule.missed:FullBackup:app</c>).</param>
/// <param name="Error">Why the unit could not be judged (its work could not be read); its alert is then left as it was.</param>
public sealed record ScheduleCheck(string Key, ScheduleState? State, DateTime? DueUtc, DateTime? LastGoodRunUtc, string? Error = null);

public sealed record CheckSchedulesResult(IReadOnlyList<ScheduleCheck> Schedules);

/// <summary>
/// The dead-man check (docs/alerts.md): for every watched schedule unit, judges with <see cref="ScheduleWindow"/> whether
/// its work landed within the window of its latest due time, raises <c>schedule.missed</c> (one open alert per unit) when
/// it did not, and resolves that alert when a good run is there. It runs from the hourly integrity run, so it does
/// not depend on the schedule it watches firing.
/// </summary>
public sealed class CheckSchedules(
    IBackupCatalog catalog, AlertService alerts, ScheduleWatch watch, BackupEnvironment env, TimeProvider time, ActivityLimits limits)
    : BoundedActivity<CheckSchedulesRequest, CheckSchedulesResult>(limits)
{
    public const string Code = "schedule.missed";

    protected override async Task<CheckSchedulesResult> RunAsync(ActivityRun context, CheckSchedulesRequest input)
    {
        var ct = context.CancellationToken;
        var settings = env.Options.Alerts.MissedSchedules;
        if (!settings.Enabled)
        {
            return new CheckSchedulesResult([]);
        }

        var now = time.GetUtcNow();
        var checks = new List<ScheduleCheck>();
        // Read once for all units: listing the WAL targets is the one expensive read here.
        Lazy<Task<DateTimeOffset?>> lastBaseBackup = new(() => LastBaseBackupAsync(ct));
        foreach (var schedule in watch.Schedules)
        {
            DateTimeOffset? lastGood;
            try
            {
                lastGood = schedule.Work.What switch
                {
                    ScheduledWork.Backup => await catalog.LastGoodBackupAsync(schedule.Work.Kind!, schedule.Work.Database, schedule.Work.TenantId, ct),
                    ScheduledWork.TestRestore => await catalog.LastGoodTestRestoreAsync(schedule.Work.Database, ct),
                    _ => await lastBaseBackup.Value,
                };
            }
            catch (Exception e) when (e is PitrException or Targets.TargetException)
            {
                // Not knowing is not the same as missed; the WAL archiving check reports unreachable WAL targets.
                checks.Add(new ScheduleCheck(schedule.AlertKey, null, null, null, e.Message));
                continue;
            }

            var since = await catalog.WatchedSinceAsync(schedule.AlertKey, now, ct);
            var verdict = ScheduleWindow.Judge(
                schedule.Cron, settings.Grace, now.UtcDateTime, since.UtcDateTime, watch.HostStartedAt?.UtcDateTime, lastGood?.UtcDateTime);
            checks.Add(new ScheduleCheck(schedule.AlertKey, verdict.State, verdict.DueUtc, lastGood?.UtcDateTime));
            switch (verdict.State)
            {
                case ScheduleState.Missed:
                    await alerts.RaiseAsync(settings.SeverityOf(schedule.Name), Code, MissedMessage(schedule, verdict, lastGood, settings.Grace), schedule.AlertKey, context.InstanceId, ct);
                    break;
                case ScheduleState.Met:
                    await alerts.ResolveAsync(schedule.AlertKey, $"a good run finished at {lastGood!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, after the due time {verdict.DueUtc:yyyy-MM-dd HH:mm:ss}Z", ct);
                    break;
            }
        }

        return new CheckSchedulesResult(checks);
    }

    private static string MissedMessage(WatchedSchedule schedule, ScheduleVerdict verdict, DateTimeOffset? lastGood, TimeSpan grace)
    {
        var unit = schedule.UnitKey is null ? "" : $" for '{schedule.UnitKey}'";
        var last = lastGood is { } at ? $"the last good run finished at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : "no good run was ever recorded";
        return $"Schedule {schedule.Name}{unit} ('{schedule.Cron.Expression}') was due at {verdict.DueUtc:yyyy-MM-dd HH:mm:ss}Z and no good run " +
               $"finished within {grace} after it; {last}. Check that a host is running and its timers fire, and look at the run's instance " +
               $"({ScheduledInstanceId.For(schedule.Name, verdict.DueUtc!.Value, schedule.UnitKey)}).";
    }

    private async Task<DateTimeOffset?> LastBaseBackupAsync(CancellationToken ct)
    {
        var all = await BaseBackupCatalog.ListAsync(env, ct);
        return all.Count == 0 ? null : all[^1].CompletedAt;
    }
}
