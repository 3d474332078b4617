using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Activities;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Backup {InstanceId}: {PlainBytes} bytes dumped, {StoredBytes} bytes stored so far")]
    public static partial void DumpProgress(ILogger logger, string instanceId, long plainBytes, long storedBytes);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Backup {InstanceId}: removed the unpublished artifact of {BackupId} that an earlier, unreported run of this dump left in {Targets}; dumping again")]
    public static partial void UnfinishedAttemptCleared(ILogger logger, string instanceId, string backupId, string targets);
}
