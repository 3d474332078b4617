namespace BackupFunctions.Workflows.Catalog;

/// <summary>What the dead-man check of the schedules needs from the catalog: when work last landed, and since when a schedule is watched.</summary>
public partial interface IBackupCatalog
{
    /// <summary>
    /// When the newest good backup (at least one verified copy: Succeeded or Partial) of this kind finished; of one
    /// database and tenant when given. Null when none ever did.
    /// </summary>
    Task<DateTimeOffset?> LastGoodBackupAsync(string kind, string? database, string? tenantId, CancellationToken ct = default);

    /// <summary>When the newest successful test restore of a backup of this database finished (any database when null).</summary>
    Task<DateTimeOffset?> LastGoodTestRestoreAsync(string? database, CancellationToken ct = default);

    /// <summary>
    /// When the check first saw this schedule unit (by its alert key) enabled: recorded at <paramref name="now"/> on the
    /// first call, returned unchanged afterwards, so a schedule is never blamed for due times before it was watched.
    /// </summary>
    Task<DateTimeOffset> WatchedSinceAsync(string scheduleKey, DateTimeOffset now, CancellationToken ct = default);
}
