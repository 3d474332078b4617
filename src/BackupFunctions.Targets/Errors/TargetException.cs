namespace BackupFunctions.Targets;

/// <summary>
/// A storage operation failed. <see cref="IsTransient"/> is decided by the backend that saw the
/// failure (HTTP 5xx, 429, SlowDown, IncompleteBody, connection resets, timeouts), so retrying
/// wrappers never guess from message text.
/// </summary>
public class TargetException : Exception
{
    public TargetException(string targetName, string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        TargetName = targetName;
        IsTransient = isTransient;
    }

    /// <summary>The configured name of the target that failed.</summary>
    public string TargetName { get; }

    /// <summary>True when the same operation may succeed if tried again later.</summary>
    public bool IsTransient { get; }
}
