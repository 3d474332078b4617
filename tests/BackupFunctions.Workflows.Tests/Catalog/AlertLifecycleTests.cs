using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog.Postgres;

namespace BackupFunctions.Workflows.Tests.Catalog;

/// <summary>One alert per condition on the real catalog: raised, refreshed, acknowledged (still open), resolved, raised anew.</summary>
public sealed class AlertLifecycleTests : IAsyncLifetime
{
    private TempDatabase _db = null!;
    private PostgresBackupCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateAsync("alerts");
        _catalog = new PostgresBackupCatalog(_db.ConnectionString);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_condition_raised_twice_is_one_alert_until_it_is_resolved()
    {
        var first = await _catalog.RaiseAlertAsync("critical", "backup.failed", "run 1 failed", "backup:app:full:Failed", "i1");
        var again = await _catalog.RaiseAlertAsync("critical", "backup.failed", "run 2 failed", "backup:app:full:Failed", "i2");

        Assert.Equal(first, again);
        var open = Assert.Single(await _catalog.ListAlertsAsync());
        Assert.Equal((2, "run 2 failed", "backup:app:full:Failed"), (open.Occurrences, open.Message, open.DedupeKey));

        Assert.Equal(1, await _catalog.ResolveAlertsAsync("backup:app:full:Failed", "backup B succeeded"));

        Assert.Empty(await _catalog.ListAlertsAsync());
        var history = Assert.Single(await _catalog.ListAlertsAsync(includeAcknowledged: true));
        Assert.NotNull(history.ResolvedAt);
        Assert.Equal("backup B succeeded", history.ResolvedReason);
        var reopened = await _catalog.RaiseAlertAsync("critical", "backup.failed", "run 3 failed", "backup:app:full:Failed", "i3");
        Assert.NotEqual(first, reopened);
    }

    [Fact]
    public async Task An_acknowledged_alert_stays_open_and_is_refreshed_not_duplicated()
    {
        var id = await _catalog.RaiseAlertAsync("warning", "backup.partial", "s3 failed", "backup:app:full:Partial", null);
        Assert.True(await _catalog.AcknowledgeAlertAsync(id, "admin"));

        var again = await _catalog.RaiseAlertAsync("warning", "backup.partial", "s3 failed again", "backup:app:full:Partial", null);

        Assert.Equal(id, again);
        Assert.Empty(await _catalog.ListAlertsAsync()); // silenced
        var alert = Assert.Single(await _catalog.ListAlertsAsync(includeAcknowledged: true));
        Assert.Equal(("admin", 2, (DateTimeOffset?)null), (alert.AcknowledgedBy, alert.Occurrences, alert.ResolvedAt));
    }

    [Fact]
    public async Task Resolving_a_condition_that_is_not_open_changes_nothing()
    {
        await _catalog.RaiseAlertAsync("warning", "target.unreachable", "s3 down", "target:s3:unreachable", null);

        Assert.Equal(0, await _catalog.ResolveAlertsAsync("target:azure:unreachable", "azure answered"));

        Assert.Equal("target:s3:unreachable", Assert.Single(await _catalog.ListAlertsAsync()).DedupeKey);
        await Assert.ThrowsAsync<ArgumentException>(() => _catalog.ResolveAlertsAsync(" ", "x"));
    }

    [Fact]
    public async Task Resolved_alerts_do_not_lower_the_health_score()
    {
        await _catalog.RaiseAlertAsync("critical", "copy.corrupt", "damaged", "copy:b1:s3", null);
        var before = await _catalog.GetHealthAsync();

        await _catalog.ResolveAlertsAsync("copy:b1:s3", "repaired from local");

        var after = await _catalog.GetHealthAsync();
        Assert.Equal((1, 0), (before.OpenCriticalAlerts, after.OpenCriticalAlerts));
        Assert.True(after.Score > before.Score, $"{after.Score} after, {before.Score} before");
    }
}
