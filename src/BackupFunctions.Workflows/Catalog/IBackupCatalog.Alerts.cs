namespace BackupFunctions.Workflows.Catalog;

/// <summary>What alert delivery and the alert rules need from the catalog, beyond raising and listing.</summary>
public partial interface IBackupCatalog
{
    /// <summary>
    /// Raises (or refreshes) an alert as <see cref="RaiseAlertAsync"/> does, and says what changed, so that delivery can
    /// tell a new condition (or a worse one) from a repeat.
    /// </summary>
    Task<RecordedAlert> RecordAlertAsync(string severity, string code, string message, string? dedupeKey, string? instanceId, CancellationToken ct = default);

    /// <summary>Resolves the open alert with this dedupe key and returns it (empty when none was open).</summary>
    Task<IReadOnlyList<CatalogAlert>> ResolveOpenAlertsAsync(string dedupeKey, string reason, CancellationToken ct = default);

    /// <summary>Resolves one alert by id (an admin says its condition is over). Null when no such alert; an alert already resolved is returned unchanged.</summary>
    Task<ResolvedAlert?> ResolveAlertByIdAsync(long alertId, string reason, CancellationToken ct = default);

    Task<CatalogAlert?> GetAlertAsync(long alertId, CancellationToken ct = default);

    /// <summary>Records one channel's delivery of one alert event, whatever its outcome.</summary>
    Task RecordNotificationAsync(CatalogNotification notification, CancellationToken ct = default);

    /// <summary>Deliveries, newest first; of one alert when <paramref name="alertId"/> is given.</summary>
    Task<IReadOnlyList<CatalogNotification>> ListNotificationsAsync(long? alertId = null, int limit = 200, CancellationToken ct = default);

    /// <summary>The stored bytes of the verified copies each target holds, by target name (for quota rules).</summary>
    Task<IReadOnlyDictionary<string, long>> StoredBytesByTargetAsync(CancellationToken ct = default);
}
