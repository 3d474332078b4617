using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Catalog.Health;
using BackupFunctions.Workflows.Catalog.Postgres;

namespace BackupFunctions.Workflows.Tests.Catalog;

/// <summary>
/// GET /api/health's facts as the real catalog (PostgreSQL) reads them: per database the newest successful and newest
/// full backup, test restores joined to their backup's database, copies whose last integrity check failed, and open
/// alerts through ListAlertsAsync (an acknowledged one no longer counts).
/// </summary>
public sealed class CatalogHealthTests
{
    private static BackupManifest Manifest(string id, string database, DateTimeOffset createdAt, BackupKind kind = BackupKind.Full, params string[] verifiedTargets) => new()
    {
        BackupId = id, Kind = kind, Database = database, CreatedAt = createdAt, CompletedAt = createdAt.AddMinutes(1),
        RawBytes = 1000, StoredBytes = 300 + id.Length, StoredSha256 = new string('a', 64), PlainSha256 = new string('b', 64), KeyId = "k",
        ArtifactKey = $"{database}/{id}.bfa",
        Copies = [.. verifiedTargets.Select(t => new TargetCopy(t, $"{database}/{id}.bfa", true, createdAt))],
    };

    [Fact]
    public async Task Each_deduction_is_read_from_the_real_catalog_per_database()
    {
        await using var control = await TempDatabase.CreateAsync("health");
        var catalog = new PostgresBackupCatalog(control.ConnectionString);
        var now = DateTimeOffset.UtcNow;

        // shop: a good full backup 2 h ago, test-restored; a newer one that reached one target of two; one copy then failed its check.
        await catalog.RecordBackupAsync(Manifest("shop-1", "shop", now.AddHours(-2), BackupKind.Full, "a", "b"), "Succeeded", null);
        await catalog.RecordBackupAsync(Manifest("shop-2", "shop", now.AddHours(-1), BackupKind.Full, "a"), "Partial", "b: unreachable");
        await catalog.RecordRestoreAsync(new CatalogRestore(0, "shop-1", "test", "scratch_x", "a", true, now.AddMinutes(-50), now.AddMinutes(-45), null, null));
        await catalog.RecordVerificationAsync("shop-1", "b", false, "hash mismatch", null);
        // crm: its only good full backup is 3 days old, its test restore failed; a newer tenant backup does not count as a full one.
        await catalog.RecordBackupAsync(Manifest("crm-1", "crm", now.AddDays(-3), BackupKind.Full, "a"), "Succeeded", null);
        await catalog.RecordBackupAsync(Manifest("crm-t", "crm", now.AddMinutes(-5), BackupKind.Tenant, "a"), "Succeeded", null);
        await catalog.RecordRestoreAsync(new CatalogRestore(0, "crm-1", "test", "scratch_y", "a", false, now.AddDays(-1), now.AddDays(-1), "rows differ", null));
        // One open critical alert counts; an acknowledged one does not.
        await catalog.RaiseAlertAsync("critical", "backup.failed", "one", "k1", null);
        var acked = await catalog.RaiseAlertAsync("critical", "backup.failed", "two", "k2", null);
        await catalog.AcknowledgeAlertAsync(acked, "alice");

        var report = await catalog.GetHealthAsync();

        int Deduction(string name, string? db) => report.Checks.Single(c => c.Name == name && c.Database == db).Deduction;
        Assert.Equal(0, Deduction(HealthRules.FullBackupAge, "shop"));
        Assert.Equal(0, Deduction(HealthRules.TestRestoreAge, "shop"));
        Assert.Equal(10, Deduction(HealthRules.NewestFullBackup, "shop"));
        Assert.Equal(10, Deduction(HealthRules.FailedCopyChecks, "shop"));
        Assert.Equal(40, Deduction(HealthRules.FullBackupAge, "crm"));
        Assert.Equal(20, Deduction(HealthRules.TestRestoreAge, "crm"));
        Assert.Equal(0, Deduction(HealthRules.NewestFullBackup, "crm"));
        Assert.Equal(15, Deduction(HealthRules.CriticalAlerts, null));
        Assert.Equal(0, Deduction(HealthRules.WarningAlerts, null));
        Assert.Equal(100 - 10 - 10 - 40 - 20 - 15, report.Score);
        Assert.Equal(1, report.OpenCriticalAlerts);

        var shop = report.Databases.Single(d => d.Database == "shop");
        Assert.Equal(["crm", "shop"], report.Databases.Select(d => d.Database));
        Assert.Equal(now.AddHours(-2).ToUnixTimeSeconds(), shop.LastSuccessfulFullBackupAt!.Value.ToUnixTimeSeconds());
        Assert.Equal("shop-2", shop.NewestFullBackupId);
        Assert.Equal("Partial", shop.NewestFullBackupStatus);
        Assert.Equal(1, shop.NewestFullBackupVerifiedCopies);
        Assert.Equal(306, shop.NewestFullBackupStoredBytes);
        Assert.Equal(1, shop.FailedCopyChecks);
        Assert.Null(report.Databases.Single(d => d.Database == "crm").LastSuccessfulTestRestoreAt);

        // The copy passes its next check: that deduction goes, the others stay.
        await catalog.RecordVerificationAsync("shop-1", "b", true, null, null);
        var after = await catalog.GetHealthAsync();
        Assert.Equal(0, after.Checks.Single(c => c.Name == HealthRules.FailedCopyChecks && c.Database == "shop").Deduction);
        Assert.Equal(report.Score + 10, after.Score);
    }

    [Fact]
    public async Task An_empty_catalog_scores_40_for_no_backup_and_no_test_restore()
    {
        await using var control = await TempDatabase.CreateAsync("health");
        var report = await new PostgresBackupCatalog(control.ConnectionString).GetHealthAsync();

        Assert.Equal(40, report.Score);
        Assert.Empty(report.Databases);
        Assert.Equal(2, report.Reasons.Count);
    }
}
