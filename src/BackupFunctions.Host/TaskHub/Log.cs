using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.TaskHub;

internal static partial class TaskHubLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Task hub sidecar listening on {SocketPath}")]
    public static partial void SidecarStarted(ILogger logger, string socketPath);
}
