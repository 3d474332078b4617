namespace BackupFunctions.Targets;

/// <summary>What a target knows about one stored object.</summary>
/// <param name="Key">The key relative to the target (without the target's own prefix).</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="LastModified">When the object was last written, if the store reports it.</param>
/// <param name="ETag">The store's entity tag, unquoted, if it has one (for a single-part S3 put it is the MD5).</param>
public sealed record TargetObjectInfo(string Key, long Size, DateTimeOffset? LastModified = null, string? ETag = null)
{
    /// <summary>
    /// The store refuses to delete or overwrite the object before this time (S3 Object Lock retention, an Azure
    /// immutability policy). Reported by <see cref="IBackupTarget.StatAsync"/> where the store tells it; null otherwise.
    /// </summary>
    public DateTimeOffset? RetainUntil { get; init; }

    /// <summary>
    /// The stored bytes' hash, read back from the store while the put wrote them (<see cref="PutOptions.ReadBack"/>);
    /// null when the target did not read them back.
    /// </summary>
    public StoredHash? ReadBack { get; init; }
}
