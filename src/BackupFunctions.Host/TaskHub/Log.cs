using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.TaskHub;

internal static partial class TaskHubLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Task hub sidecar listening on {SocketPath}")]
    public static partial void SidecarStarted(ILogger logger, string socketPath);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Could not renew the lock of activity work item {WorkItemId}; trying again at the next tick")]
    public static partial void RenewFailed(ILogger logger, Exception exception, string workItemId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "The task hub's orchestration service did not stop cleanly; its leases expire on their own")]
    public static partial void StopFailed(ILogger logger, Exception exception);
}
