namespace BackupFunctions.Targets;

/// <summary>
/// The target's endpoint could not be reached (connection refused or reset, DNS failure, timeout).
/// Transient: the same call may work later.
/// </summary>
public sealed class TargetUnavailableException : TargetException
{
    public TargetUnavailableException(string targetName, string message, Exception? innerException = null)
        : base(targetName, message, isTransient: true, innerException)
    {
    }
}
