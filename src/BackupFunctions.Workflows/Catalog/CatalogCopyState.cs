namespace BackupFunctions.Workflows.Catalog;

/// <summary>One stored copy as the integrity check sees it: where it is, what it must hash to, and when it was last read back.</summary>
/// <param name="Fingerprint">What the target reported about the object at its last good full read (ETag, else modification time, with the size); null before the first one.</param>
public sealed record CatalogCopyState(
    string BackupId,
    string Target,
    string ObjectKey,
    string StoredSha256,
    long StoredBytes,
    bool Verified,
    DateTimeOffset? VerifiedAt,
    DateTimeOffset? LastCheckedAt,
    string? LastError,
    string? Fingerprint)
{
    /// <summary>An integrity check found it damaged and it has not read intact since (a copy that never verified at backup time is not this).</summary>
    public bool MarkedCorrupt => !Verified && LastCheckedAt is not null;

    /// <summary>When its bytes were last read back whole: the last integrity read, else the verification at backup time.</summary>
    public DateTimeOffset? LastFullRead => LastCheckedAt ?? VerifiedAt;
}
