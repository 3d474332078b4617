namespace BackupFunctions.Workflows.Retention;

/// <summary>
/// What retention records and reads beside the catalog, shared by every process on the control database: the deletions
/// it made (so a deletion that stopped halfway is finished by the next run) and the restore leases (so a copy a running
/// restore reads is never deleted under it, whichever host runs the restore).
/// </summary>
public interface IRetentionLedger
{
    /// <summary>Records that a copy's deletion starts, before anything is deleted. Returns its id.</summary>
    Task<long> BeginDeletionAsync(string backupId, string target, string objectKey, string manifestKey, string rule, string reason, string? instanceId, CancellationToken ct = default);

    /// <summary>Marks every started deletion of the copy finished (the artifact and the manifest are gone).</summary>
    Task CompleteDeletionAsync(string backupId, string target, CancellationToken ct = default);

    /// <summary>The copies whose deletion was started and not finished (<see cref="RetentionPlanInput.DeletionKey"/>).</summary>
    Task<IReadOnlySet<string>> UnfinishedDeletionsAsync(CancellationToken ct = default);

    Task<IReadOnlyList<RetentionDeletion>> ListDeletionsAsync(int limit = 100, CancellationToken ct = default);

    /// <summary>Holds <paramref name="backupId"/> against retention until released or until <paramref name="duration"/> passes. Returns the lease id.</summary>
    Task<long> AcquireRestoreLeaseAsync(string backupId, string holder, TimeSpan duration, CancellationToken ct = default);

    Task ReleaseRestoreLeaseAsync(long leaseId, CancellationToken ct = default);

    /// <summary>Backups held by an unexpired lease, with the latest end of their leases.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> ActiveLeasesAsync(CancellationToken ct = default);
}
