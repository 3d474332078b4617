namespace BackupFunctions.Targets;

/// <summary>The object does not exist in the target. Permanent.</summary>
public sealed class TargetNotFoundException : TargetException
{
    public TargetNotFoundException(string targetName, string key, Exception? innerException = null)
        : base(targetName, $"Object '{key}' does not exist in target '{targetName}'.", isTransient: false, innerException)
    {
        Key = key;
    }

    /// <summary>The key that was asked for.</summary>
    public string Key { get; }
}
