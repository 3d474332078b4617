namespace BackupFunctions.Workflows.Integrity;

/// <summary>One stored copy an integrity run looks at, with what it must match and where else the backup is.</summary>
/// <param name="Fingerprint">The target's report of the object at its last good full read (null: none yet).</param>
/// <param name="MarkedCorrupt">The catalog already has it as damaged (an earlier run found it and could not repair it).</param>
/// <param name="OtherTargets">The backup's other copies the catalog has as verified: repair sources, to be confirmed before use.</param>
public sealed record CopyToCheck(
    string BackupId,
    string Target,
    string ArtifactKey,
    string ManifestKey,
    string StoredSha256,
    long StoredBytes,
    string? Fingerprint,
    bool MarkedCorrupt,
    IReadOnlyList<string> OtherTargets)
{
    /// <summary>The alert dedupe key of this copy's damage: one open alert per copy.</summary>
    public string AlertKey => $"copy:{BackupId}:{Target}";
}
