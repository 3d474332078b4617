namespace BackupFunctions.Targets;

/// <summary>
/// The target is set up wrongly: a missing bucket or container, bad credentials, no permission,
/// invalid options. Permanent: retrying will not help until a person fixes the configuration, so the
/// message says which target, which bucket or container, and what to check. Never contains secrets.
/// </summary>
public sealed class TargetConfigurationException : TargetException
{
    public TargetConfigurationException(string targetName, string message, Exception? innerException = null)
        : base(targetName, message, isTransient: false, innerException)
    {
    }
}
