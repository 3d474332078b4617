using Microsoft.Extensions.Logging;

namespace BackupFunctions.Targets;

/// <summary>The layer's log messages, with stable event ids (3000-3099: targets).</summary>
internal static partial class TargetLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Target {Target}: {Operation} of '{Key}' failed transiently ({Error}); retry {Attempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, string target, string operation, string key, string error, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Target {Target}: reading '{Key}' broke at byte {Offset} ({Error}); resuming with a ranged read")]
    public static partial void ResumingRead(ILogger logger, string target, string key, long offset, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
        Message = "Target {Target}: '{Key}' was already stored with the same {Size} bytes (an earlier attempt's put succeeded); treated as stored")]
    public static partial void AlreadyStored(ILogger logger, string target, string key, long size);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Target {Target}: {Operation} '{Key}' started")]
    public static partial void Started(ILogger logger, string target, string operation, string key);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information,
        Message = "Target {Target}: stored '{Key}' ({Size} bytes) in {ElapsedMs} ms")]
    public static partial void Stored(ILogger logger, string target, string key, long size, long elapsedMs);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Target {Target}: {Operation} '{Key}' done in {ElapsedMs} ms")]
    public static partial void Finished(ILogger logger, string target, string operation, string key, long elapsedMs);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning,
        Message = "Target {Target}: {Operation} '{Key}' failed after {ElapsedMs} ms (transient: {Transient}): {Error}")]
    public static partial void Failed(ILogger logger, string target, string operation, string key, long elapsedMs, bool transient, string error);
}
