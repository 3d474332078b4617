using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Retention;

/// <summary>One backup's copy in one target, as the planner sees it (built from the target's listing and manifests).</summary>
/// <param name="BackupId">The backup.</param>
/// <param name="Target">The target holding this copy.</param>
/// <param name="Kind">Its kind; rules are per target and kind.</param>
/// <param name="Database">Its database (null for kinds without one).</param>
/// <param name="TenantId">Its tenant (tenant exports are grouped per tenant).</param>
/// <param name="CreatedAt">When the backup was taken; every rule reads this, never the object's own timestamps.</param>
public sealed record RetentionCopy(string BackupId, string Target, BackupKind Kind, string? Database, string? TenantId, DateTimeOffset CreatedAt)
{
    /// <summary>The manifest marks this target's copy verified (read back and its SHA-256 matched).</summary>
    public bool Verified { get; init; }

    /// <summary>
    /// False when the manifest is there but the artifact is not: a deletion that stopped halfway, or damage. Such a
    /// copy is never a good copy: it neither counts for a rule nor holds the newest-verified place.
    /// </summary>
    public bool ArtifactPresent { get; init; } = true;

    /// <summary>The target refuses to delete the copy before this time (S3 Object Lock, Azure immutability).</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>
    /// The copy sits in a target that could not be listed; its manifest elsewhere says it is verified there. It counts
    /// when the planner looks for the newest verified backup, and gets no decision of its own.
    /// </summary>
    public bool Unreachable { get; init; }

    public string ArtifactKey { get; init; } = "";

    public string ManifestKey { get; init; } = "";

    /// <summary>The copies of one database's (or tenant's) backups of one kind compete with each other.</summary>
    public string Series => $"{Kind.ToString().ToLowerInvariant()}:{Database ?? "-"}{(TenantId is null ? "" : "/" + TenantId)}";
}
