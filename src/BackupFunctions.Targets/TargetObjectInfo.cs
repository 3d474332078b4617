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
    /// Lower-case hex SHA-256 of the bytes this put wrote, hashed as they were written. Only a put to a local
    /// file sets it (<see cref="FileSystem.FileSystemTarget"/>): reading such a copy back right after the
    /// put returns it from the page cache, so hashing it on the way in checks the same bytes without a second
    /// pass over them. Null from remote stores, whose copies are read back, and from Stat and List.
    /// </summary>
    public string? WrittenSha256 { get; init; }
}
