using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Activities;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Backup {InstanceId}: {PlainBytes} bytes dumped, {StoredBytes} bytes stored so far")]
    public static partial void DumpProgress(ILogger logger, string instanceId, long plainBytes, long storedBytes);
}
