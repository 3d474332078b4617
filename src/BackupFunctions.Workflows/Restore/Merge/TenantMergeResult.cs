namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// The outcome of merging a tenant backup into a database that holds other tenants. Succeeded means
/// committed with every <see cref="Checks"/> entry Ok; otherwise nothing was committed and
/// <see cref="Error"/> says why.
/// </summary>
public sealed record TenantMergeResult(
    string BackupId,
    string TenantId,
    string TargetDatabase,
    bool Succeeded,
    string? ServedBy,
    IReadOnlyList<RestoreAttempt> Attempts,
    IReadOnlyList<MergeTableCheck> Checks,
    IReadOnlyList<string> LoadOrder,
    IReadOnlyList<string> Warnings,
    TimeSpan Duration,
    string? Error)
{
    /// <summary>Whether the tenant's rows that were there before were deleted first (a merge that replaces them).</summary>
    public bool Replaced { get; init; }

    /// <summary>The tenant's rows added, over all tables.</summary>
    public long RowsMerged => Checks.Sum(c => c.Merged);
}
