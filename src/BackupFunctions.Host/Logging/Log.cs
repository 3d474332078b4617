using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using BackupFunctions.Host.Security;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Logging;

/// <summary>
/// The host's log events. Every event about an instance carries its InstanceId, so one search follows a run from
/// its start (timer or HTTP) through the engine's own events. Keys are never logged.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "BackupFunctions host listening on {Urls} ({Mode}); management API at {ManagementPath}")]
    public static partial void Listening(ILogger logger, string urls, string mode, string managementPath);

    [LoggerMessage(1001, LogLevel.Warning, "No function or admin keys are configured and BackupFunctions:Host:AllowAnonymous=true: every route is open to anyone who can reach {Urls}")]
    public static partial void AnonymousAccess(ILogger logger, string urls);

    [LoggerMessage(1100, LogLevel.Warning, "Rejected {Method} {Path}: no valid key")]
    public static partial void KeyRejected(ILogger logger, string method, string path);

    [LoggerMessage(1101, LogLevel.Warning, "Rejected {Method} {Path}: needs an {Required} key")]
    public static partial void KeyLevelTooLow(ILogger logger, string method, string path, AccessLevel required);

    [LoggerMessage(1200, LogLevel.Information, "Started {Orchestration} instance {InstanceId} on request")]
    public static partial void ManualStart(ILogger logger, string orchestration, string instanceId);

    [LoggerMessage(1202, LogLevel.Warning, "Refused a backup of {Database}: the per-database limit is reached")]
    public static partial void AdmissionRefused(ILogger logger, string database);

    [LoggerMessage(1203, LogLevel.Debug, "Admission leases: {Renewed} renewed, {Released} released")]
    public static partial void AdmissionLeasesKept(ILogger logger, int renewed, int released);

    [LoggerMessage(1204, LogLevel.Warning, "Admission leases could not be renewed this time: {Reason}")]
    public static partial void AdmissionLeasesNotKept(ILogger logger, string reason);

    [LoggerMessage(1201, LogLevel.Information, "Alert {AlertId} acknowledged by {By}")]
    public static partial void AlertAcknowledged(ILogger logger, long alertId, string? by);

    [LoggerMessage(1300, LogLevel.Information, "Raised event {EventName} on instance {InstanceId}")]
    public static partial void EventRaised(ILogger logger, string instanceId, string eventName);

    [LoggerMessage(1301, LogLevel.Warning, "Terminating instance {InstanceId}: {Reason}")]
    public static partial void Terminated(ILogger logger, string instanceId, string? reason);

    [LoggerMessage(1302, LogLevel.Information, "Suspending instance {InstanceId}: {Reason}")]
    public static partial void Suspended(ILogger logger, string instanceId, string? reason);

    [LoggerMessage(1303, LogLevel.Information, "Resuming instance {InstanceId}: {Reason}")]
    public static partial void Resumed(ILogger logger, string instanceId, string? reason);

    [LoggerMessage(1304, LogLevel.Information, "Restarted instance {InstanceId} as {NewInstanceId}")]
    public static partial void Restarted(ILogger logger, string instanceId, string newInstanceId);

    [LoggerMessage(1305, LogLevel.Information, "Purged instance {InstanceId} ({Count} instance)")]
    public static partial void Purged(ILogger logger, string instanceId, int count);

    [LoggerMessage(1306, LogLevel.Information, "Purged {Count} instances by filter")]
    public static partial void PurgedMany(ILogger logger, int count);

    [LoggerMessage(1400, LogLevel.Information, "Schedule {Schedule} '{Cron}' starts {Orchestration}; next due {NextDue:u}")]
    public static partial void ScheduleActive(ILogger logger, string schedule, string cron, string orchestration, DateTime nextDue);

    [LoggerMessage(1401, LogLevel.Information, "Schedule {Schedule} is disabled")]
    public static partial void ScheduleDisabled(ILogger logger, string schedule);

    [LoggerMessage(1402, LogLevel.Information, "Schedule {Schedule} started {Orchestration} instance {InstanceId}")]
    public static partial void ScheduledStart(ILogger logger, string schedule, string orchestration, string instanceId);

    [LoggerMessage(1403, LogLevel.Debug, "Schedule {Schedule}: {InstanceId} is already claimed or started; another host or an earlier call has it")]
    public static partial void ScheduledAlreadyClaimed(ILogger logger, string schedule, string instanceId);

    [LoggerMessage(1404, LogLevel.Warning, "Schedule {Schedule} missed its due time {Due:u} while no host ran; started it now")]
    public static partial void MissedRunStarted(ILogger logger, string schedule, DateTime due);

    [LoggerMessage(1405, LogLevel.Error, "Schedule {Schedule} could not start due time {Due:u}")]
    public static partial void ScheduleStartFailed(ILogger logger, Exception exception, string schedule, DateTime due);

    [LoggerMessage(1406, LogLevel.Warning, "Schedule {Schedule} has nothing to run: no tenants or databases configured for it")]
    public static partial void ScheduleHasNoUnits(ILogger logger, string schedule);

    [LoggerMessage(1500, LogLevel.Warning, "Not ready: {Reason}")]
    public static partial void NotReady(ILogger logger, string reason);

    [LoggerMessage(1300, LogLevel.Information, "Idle after work: gave memory back (working set {BeforeMiB} → {AfterMiB} MiB)")]
    public static partial void MemoryReleased(ILogger logger, long beforeMiB, long afterMiB);
}
