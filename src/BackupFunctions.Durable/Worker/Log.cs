using Microsoft.Extensions.Logging;

namespace BackupFunctions.Durable.Worker;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Durable worker {WorkerId} started on task hub '{TaskHub}'.")]
    public static partial void WorkerStarted(ILogger logger, string workerId, string taskHub);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Durable worker {WorkerId} stopped and released its leases.")]
    public static partial void WorkerStopped(ILogger logger, string workerId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Orchestration step for {InstanceId} failed; it will be retried (attempt {DequeueCount}).")]
    public static partial void StepFailed(ILogger logger, Exception ex, string instanceId, int dequeueCount);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Orchestration step for {InstanceId} was discarded: this worker lost the lease or the step was already written.")]
    public static partial void StepDiscarded(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Orchestration {InstanceId} failed as poison after {DequeueCount} attempts.")]
    public static partial void Poison(ILogger logger, string instanceId, int dequeueCount);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Activity task {TaskId} ({Name}) lost its lease; it was cancelled here and another worker may run it.")]
    public static partial void LeaseLost(ILogger logger, long taskId, string name);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Dispatcher loop '{Loop}' hit an error and will retry.")]
    public static partial void LoopError(ILogger logger, Exception ex, string loop);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Notification listener lost its connection; reconnecting.")]
    public static partial void ListenerError(ILogger logger, Exception ex);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Orchestration {InstanceId} is now {Status}.")]
    public static partial void StepCommitted(ILogger logger, string instanceId, OrchestrationRuntimeStatus status);
}
