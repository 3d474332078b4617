using BackupFunctions.Testing;
using System.Text.Json;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>The next good run clears its conditions by itself, on the real engine, targets and catalog, and the channel hears of it.</summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class AutoResolveTests(SampleDatabaseFixture sample)
{
    private const string Key = "auto-resolve-signing-key-0123";

    [Fact]
    public async Task A_good_backup_and_a_good_test_restore_resolve_their_open_alerts_and_announce_it()
    {
        await using var sink = new HttpSink();
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var options = targets.Options;
        options.Alerts.Channels["ops"] = new AlertChannelOptions { Type = AlertChannelType.Webhook, Url = sink.BaseUrl, SigningKey = Key, MinSeverity = "warning" };
        options.Alerts.Delivery = AlertDeliveryHarness.FastDelivery();
        await using var engine = await EngineHarness.StartAsync(options);
        var failed = AlertKeys.BackupRun(sample.Name, "full", null, "Failed");
        var partial = AlertKeys.BackupRun(sample.Name, "full", null, "Partial");
        var otherDb = AlertKeys.BackupRun("another_db", "full", null, "Failed");
        await engine.Catalog.RaiseAlertAsync("critical", "backup.failed", "last night failed", failed, null);
        await engine.Catalog.RaiseAlertAsync("warning", "backup.partial", "s3 was down", partial, null);
        await engine.Catalog.RaiseAlertAsync("critical", "backup.failed", "another database failed", otherDb, null);
        await engine.Catalog.RaiseAlertAsync("critical", "restore.test.failed", "last month's test restore failed", AlertKeys.Restore("test"), null);

        var backup = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest(), TimeSpan.FromMinutes(5));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, backup.RuntimeStatus);
        var summary = backup.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", summary.Status);
        var test = await engine.RunAsync(OrchestrationNames.TestRestore, new RestoreRequest { BackupId = summary.BackupId }, TimeSpan.FromMinutes(5));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, test.RuntimeStatus);

        var all = await engine.Catalog.ListAlertsAsync(includeAcknowledged: true);
        foreach (var key in new[] { failed, partial, AlertKeys.Restore("test") })
        {
            var alert = Assert.Single(all, a => a.DedupeKey == key);
            Assert.NotNull(alert.ResolvedAt);
            Assert.Contains(summary.BackupId, alert.ResolvedReason);
        }

        Assert.Null(Assert.Single(all, a => a.DedupeKey == otherDb).ResolvedAt);
        // The raises above went straight to the catalog; only the resolves went through delivery.
        var resolved = sink.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(sink.Requests, r => Assert.True(WebhookSignature.Verify(r.Body, Key, r.Headers[WebhookSignature.SignatureHeader])));
        Assert.Equal(["resolved", "resolved", "resolved"], resolved.Select(r => r.GetProperty("event").GetString()));
        Assert.Equal([failed, partial, AlertKeys.Restore("test")], resolved.Select(r => r.GetProperty("alert").GetProperty("dedupeKey").GetString()));
    }
}
