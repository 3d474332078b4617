using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// The control database's record of backups, copies, restores, verifications and alerts. It is a
/// cache of what the targets hold (rebuildable from their manifests), plus run history.
/// </summary>
public partial interface IBackupCatalog
{
    Task EnsureSchemaAsync(CancellationToken ct = default);

    /// <summary>Inserts or updates a backup and its copies (idempotent by backup id).</summary>
    Task RecordBackupAsync(BackupManifest manifest, string status, string? error, CancellationToken ct = default);

    Task<IReadOnlyList<CatalogBackup>> ListBackupsAsync(string? database = null, int limit = 100, CancellationToken ct = default);

    Task<CatalogBackup?> GetBackupAsync(string backupId, CancellationToken ct = default);

    /// <summary>Records one copy's re-check (integrity run); a mismatch should also raise an alert.</summary>
    Task RecordVerificationAsync(string backupId, string target, bool intact, string? error, string? instanceId, CancellationToken ct = default);

    /// <summary>
    /// Every copy that verified at some point (intact or since found corrupt), with its backup's stored hash and size and
    /// its last full read, for the integrity check's rotation. Copies that never verified (a failed upload) are left out.
    /// </summary>
    Task<IReadOnlyList<CatalogCopyState>> ListCopiesForIntegrityAsync(CancellationToken ct = default);

    /// <summary>
    /// Records a full read-back of one copy (a verifications row): intact marks it verified again (also after a repair),
    /// damaged marks it unverified with <paramref name="error"/>. <paramref name="fingerprint"/> is kept for the cheap checks.
    /// </summary>
    Task RecordCopyCheckAsync(string backupId, string target, bool intact, string? error, string? fingerprint, string? instanceId, CancellationToken ct = default);

    /// <summary>Forgets one target's copy (retention deleted it).</summary>
    Task RemoveCopyAsync(string backupId, string target, CancellationToken ct = default);

    Task<long> RecordRestoreAsync(CatalogRestore restore, CancellationToken ct = default);

    Task<IReadOnlyList<CatalogRestore>> ListRestoresAsync(int limit = 100, CancellationToken ct = default);

    /// <summary>Raises an alert; an open alert with the same dedupe key is refreshed instead of duplicated.</summary>
    /// <remarks>An acknowledged alert is still open: raising its condition again refreshes it, until it is resolved.</remarks>
    Task<long> RaiseAlertAsync(string severity, string code, string message, string? dedupeKey, string? instanceId, CancellationToken ct = default);

    /// <summary>The open, unacknowledged alerts; with <paramref name="includeAcknowledged"/>, the whole history (acknowledged and resolved too).</summary>
    Task<IReadOnlyList<CatalogAlert>> ListAlertsAsync(bool includeAcknowledged = false, int limit = 200, CancellationToken ct = default);

    /// <summary>False when no such alert exists.</summary>
    Task<bool> AcknowledgeAlertAsync(long alertId, string? by, CancellationToken ct = default);

    /// <summary>Resolves the open alert with this dedupe key (its condition cleared); returns how many were resolved (0 or 1). The history is kept.</summary>
    Task<int> ResolveAlertsAsync(string dedupeKey, string reason, CancellationToken ct = default);

    Task<HealthReport> GetHealthAsync(CancellationToken ct = default);

    /// <summary>Replaces the backups and copies with what the given manifests say (catalog rebuild).</summary>
    Task<int> RebuildAsync(IEnumerable<BackupManifest> manifests, CancellationToken ct = default);
}
