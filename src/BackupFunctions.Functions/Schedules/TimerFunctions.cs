using BackupFunctions.Workflows.Schedules;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Functions.Schedules;

/// <summary>
/// The schedules as timer functions. Each schedule is an app setting (<c>FullBackupSchedule</c>, ... 6-field
/// NCRONTAB, UTC). The host's timer is a singleton and, with its monitor, fires once for a due time missed while
/// the app was down; the instance id (schedule + due time + unit) makes a repeated firing start nothing.
/// Disable one with the app setting <c>AzureWebJobs.FullBackupTimer.Disabled=true</c>.
/// </summary>
public sealed class TimerFunctions(FunctionSchedules schedules, ScheduledRunStarter starter, TimeProvider time, ILogger<TimerFunctions> logger)
{
    [Function("FullBackupTimer")]
    public Task FullBackupTimer([TimerTrigger("%FullBackupSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        FireAsync(ScheduleName.FullBackup, timer, client, context.CancellationToken);

    [Function("TenantBackupTimer")]
    public Task TenantBackupTimer([TimerTrigger("%TenantBackupSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        FireAsync(ScheduleName.TenantBackup, timer, client, context.CancellationToken);

    [Function("FilesBackupTimer")]
    public Task FilesBackupTimer([TimerTrigger("%FilesBackupSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        FireAsync(ScheduleName.FilesBackup, timer, client, context.CancellationToken);

    [Function("IntegrityCheckTimer")]
    public Task IntegrityCheckTimer([TimerTrigger("%IntegrityCheckSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        FireAsync(ScheduleName.IntegrityCheck, timer, client, context.CancellationToken);

    [Function("RetentionTimer")]
    public Task RetentionTimer([TimerTrigger("%RetentionSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        FireAsync(ScheduleName.Retention, timer, client, context.CancellationToken);

    [Function("TestRestoreTimer")]
    public Task TestRestoreTimer([TimerTrigger("%TestRestoreSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        FireAsync(ScheduleName.TestRestore, timer, client, context.CancellationToken);

    [Function("BaseBackupTimer")]
    public Task BaseBackupTimer([TimerTrigger("%BaseBackupSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        FireAsync(ScheduleName.BaseBackup, timer, client, context.CancellationToken);

    [Function("WalArchivingCheckTimer")]
    public Task WalArchivingCheckTimer([TimerTrigger("%WalArchivingCheckSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        FireAsync(ScheduleName.WalArchivingCheck, timer, client, context.CancellationToken);

    private async Task FireAsync(string name, TimerInfo timer, DurableTaskClient client, CancellationToken ct)
    {
        var schedule = schedules[name];
        var now = time.GetUtcNow().UtcDateTime;
        if (schedule.DueTimeFor(now) is not { } due)
        {
            logger.LogWarning("{Function}: '{Cron}' had no due time in the 400 days before {Now:O}; nothing started.", schedule.FunctionName, schedule.Cron.Expression, now);
            return;
        }

        logger.LogInformation("{Function}: due time {Due:yyyy-MM-ddTHH:mm:ssZ} ({Cron}){PastDue}.",
            schedule.FunctionName, due, schedule.Cron.Expression, timer.IsPastDue ? ", past due" : "");
        await starter.StartAsync(client, schedule, due, ct);
    }
}
