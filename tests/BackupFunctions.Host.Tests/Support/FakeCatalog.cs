using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>An in-memory catalog with one backup and one alert, for the host's read endpoints.</summary>
public sealed class FakeCatalog : IBackupCatalog
{
    public const string KnownBackupId = "20260101T020000Z-full-app";
    public const long KnownAlertId = 7;

    private static readonly DateTimeOffset At = new(2026, 1, 1, 2, 0, 0, TimeSpan.Zero);

    public List<(long Id, string? By)> Acknowledged { get; } = [];

    public CatalogBackup Backup { get; } = new(
        KnownBackupId, "full", "app", null, "completed", At, At.AddMinutes(3), 1000, 400, new string('a', 64), "k1", "inst-1", null,
        [new CatalogCopy("local", "app/x.bfa", true, At, At, null)], new Dictionary<string, long> { ["public.items"] = 3 });

    public Task EnsureSchemaAsync(CancellationToken ct = default) => Task.CompletedTask;

    public Task RecordBackupAsync(BackupManifest manifest, string status, string? error, CancellationToken ct = default) => Task.CompletedTask;

    public Task<IReadOnlyList<CatalogBackup>> ListBackupsAsync(string? database = null, int limit = 100, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CatalogBackup>>(database is null or "app" ? [Backup] : []);

    public Task<CatalogBackup?> GetBackupAsync(string backupId, CancellationToken ct = default) =>
        Task.FromResult(backupId == KnownBackupId ? Backup : null);

    public Task RecordVerificationAsync(string backupId, string target, bool intact, string? error, string? instanceId, CancellationToken ct = default) =>
        Task.CompletedTask;

    public Task<IReadOnlyList<CatalogCopyState>> ListCopiesForIntegrityAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CatalogCopyState>>([]);

    public Task RecordCopyCheckAsync(string backupId, string target, bool intact, string? error, string? fingerprint, string? instanceId, CancellationToken ct = default) =>
        Task.CompletedTask;

    public Task RemoveCopyAsync(string backupId, string target, CancellationToken ct = default) => Task.CompletedTask;

    public Task<IReadOnlyList<CatalogVerification>> ListVerificationsAsync(string backupId, int limit = 200, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CatalogVerification>>(backupId == KnownBackupId
            ? [new CatalogVerification("local", CatalogVerification.FullRead, "intact", true, At.AddDays(1), null, "inst-3")]
            : []);

    public Task<long> RecordRestoreAsync(CatalogRestore restore, CancellationToken ct = default) => Task.FromResult(1L);

    public Task<IReadOnlyList<CatalogRestore>> ListRestoresAsync(int limit = 100, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CatalogRestore>>([new CatalogRestore(1, KnownBackupId, "test", "scratch_1", "local", true, At, At.AddMinutes(1), null, "inst-2")]);

    public Task<long> RaiseAlertAsync(string severity, string code, string message, string? dedupeKey, string? instanceId, CancellationToken ct = default) =>
        Task.FromResult(KnownAlertId);

    public Task<IReadOnlyList<CatalogAlert>> ListAlertsAsync(bool includeAcknowledged = false, int limit = 200, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CatalogAlert>>([new CatalogAlert(KnownAlertId, "critical", "copy-damaged", "damaged", At, At, 1, null, null, null)]);

    public Task<bool> AcknowledgeAlertAsync(long alertId, string? by, CancellationToken ct = default)
    {
        if (alertId != KnownAlertId)
        {
            return Task.FromResult(false);
        }

        Acknowledged.Add((alertId, by));
        return Task.FromResult(true);
    }

    public Task<int> ResolveAlertsAsync(string dedupeKey, string reason, CancellationToken ct = default) => Task.FromResult(0);

    public List<(long Id, string Reason)> Resolved { get; } = [];

    public Task<RecordedAlert> RecordAlertAsync(string severity, string code, string message, string? dedupeKey, string? instanceId, CancellationToken ct = default) =>
        Task.FromResult(new RecordedAlert(new CatalogAlert(KnownAlertId, severity, code, message, At, At, 1, null, null, instanceId), true, null));

    public Task<IReadOnlyList<CatalogAlert>> ResolveOpenAlertsAsync(string dedupeKey, string reason, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CatalogAlert>>([]);

    public Task<ResolvedAlert?> ResolveAlertByIdAsync(long alertId, string reason, CancellationToken ct = default)
    {
        if (alertId != KnownAlertId)
        {
            return Task.FromResult<ResolvedAlert?>(null);
        }

        Resolved.Add((alertId, reason));
        return Task.FromResult<ResolvedAlert?>(new ResolvedAlert(
            new CatalogAlert(KnownAlertId, "critical", "copy-damaged", "damaged", At, At, 1, null, null, null) { ResolvedAt = At, ResolvedReason = reason }, true));
    }

    public Task<CatalogAlert?> GetAlertAsync(long alertId, CancellationToken ct = default) =>
        Task.FromResult(alertId == KnownAlertId ? new CatalogAlert(KnownAlertId, "critical", "copy-damaged", "damaged", At, At, 1, null, null, null) : null);

    public Task RecordNotificationAsync(CatalogNotification notification, CancellationToken ct = default) => Task.CompletedTask;

    public Task<IReadOnlyList<CatalogNotification>> ListNotificationsAsync(long? alertId = null, int limit = 200, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CatalogNotification>>([]);

    public Task<IReadOnlyDictionary<string, long>> StoredBytesByTargetAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());

    public Task<HealthReport> GetHealthAsync(CancellationToken ct = default) =>
        Task.FromResult(new HealthReport(80, "degraded", ["one open critical alert"], At, null, 1, 0));

    public Task<int> RebuildAsync(IEnumerable<BackupManifest> manifests, CancellationToken ct = default) => Task.FromResult(0);

    public Task<DateTimeOffset?> LastGoodBackupAsync(string kind, string? database, string? tenantId, CancellationToken ct = default) =>
        Task.FromResult<DateTimeOffset?>(null);

    public Task<DateTimeOffset?> LastGoodTestRestoreAsync(string? database, CancellationToken ct = default) => Task.FromResult<DateTimeOffset?>(null);

    public Task<DateTimeOffset> WatchedSinceAsync(string scheduleKey, DateTimeOffset now, CancellationToken ct = default) => Task.FromResult(now);
}
