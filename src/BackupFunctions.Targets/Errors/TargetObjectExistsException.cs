namespace BackupFunctions.Targets;

/// <summary>
/// A put found an object already stored under its key. Puts never replace a stored object (a backup
/// id is used once), so the stored one is left exactly as it was. Permanent: the same put will find
/// the same object again. <see cref="RetryingTarget"/> turns this into success when the stored bytes
/// are the ones the put was writing (a retry of a put that had already succeeded).
/// </summary>
public sealed class TargetObjectExistsException : TargetException
{
    public TargetObjectExistsException(string targetName, string key, string? difference = null, Exception? innerException = null)
        : base(targetName,
            $"Object '{key}' already exists in target '{targetName}'{(difference is null ? "" : $" with different content ({difference})")}. " +
            "A put never replaces a stored object, so the stored one was left as it is; write a new backup (a new id) instead.",
            isTransient: false, innerException)
    {
        Key = key;
        ContentDiffers = difference is not null;
    }

    /// <summary>The key that was already taken.</summary>
    public string Key { get; }

    /// <summary>True when the stored object was compared with the put's content and differs; false when it was not compared.</summary>
    public bool ContentDiffers { get; }
}
