using Microsoft.DurableTask.Client;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>The backup, test-restore and integrity orchestrations end to end on the real engine and the three real targets.</summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class BackupOrchestrationTests(SampleDatabaseFixture sample)
{
    [Fact]
    public async Task Full_backup_verifies_three_copies_records_the_catalog_and_a_test_restore_proves_it()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);

        var run = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        var summary = run.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", summary.Status);
        Assert.Equal(3, summary.Copies.Count(c => c.Verified));
        Assert.Equal("succeeded", run.ReadCustomStatusAs<BackupStatus>()!.Step);
        // Every copy streamed while the dump ran: no separate upload activity, each copy still read back.
        Assert.Empty(engine.Converter.Inputs<UploadRequest>());
        Assert.Equal(3, engine.Converter.Inputs<VerifyChecksumRequest>().Count);

        var recorded = await engine.Catalog.GetBackupAsync(summary.BackupId);
        Assert.NotNull(recorded);
        Assert.Equal("Succeeded", recorded.Status);
        Assert.Equal(3, recorded.Copies.Count(c => c.Verified));
        Assert.Equal(run.InstanceId, recorded.InstanceId);
        Assert.Empty(StagingLeftovers.In(targets.Options.StagingDirectory));

        var fromTargets = await TargetCatalogReader.ReadAsync(targets.Environment().Targets, targets.Environment().Keys, sample.Name);
        Assert.Equal(3, fromTargets.Resolve(summary.BackupId).FoundIn.Count);

        var test = await engine.RunAsync(OrchestrationNames.TestRestore, new RestoreRequest { BackupId = summary.BackupId });
        Assert.Equal(OrchestrationRuntimeStatus.Completed, test.RuntimeStatus);
        var restored = test.ReadOutputAs<RestoreRunSummary>()!;
        Assert.True(restored.Succeeded, restored.Error);
        Assert.True(restored.ScratchDropped);
        Assert.Equal(recorded.RowCounts.Values.Sum(), restored.RowsRestored);
        Assert.False(await Sql.DatabaseExistsAsync(restored.TargetDatabase));
        var restores = await engine.Catalog.ListRestoresAsync();
        Assert.Contains(restores, r => r.BackupId == summary.BackupId && r.Kind == "test" && r.Succeeded);
        var health = await engine.Catalog.GetHealthAsync();
        Assert.True(health.Score == 100, string.Join("; ", health.Reasons));
        Assert.Equal("healthy", health.Status);
    }

    [Fact]
    public async Task A_target_that_is_down_makes_the_run_partial_with_a_warning_and_the_others_still_hold_verified_copies()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var options = targets.WithTarget(ThreeTargets.S3, t => t.ServiceUrl = "http://127.0.0.1:1");
        await using var engine = await EngineHarness.StartAsync(options);

        var run = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest(), TimeSpan.FromMinutes(5));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        var summary = run.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Partial", summary.Status);
        Assert.False(summary.Copies.Single(c => c.Target == ThreeTargets.S3).Verified);
        Assert.True(summary.Copies.Where(c => c.Target != ThreeTargets.S3).All(c => c.Verified));
        // The streamed upload to the dead target failed, so it was tried again as its own activity, with retries.
        var uploads = engine.Converter.Inputs<UploadRequest>();
        Assert.Contains(uploads, u => u.Target == ThreeTargets.S3);
        Assert.DoesNotContain(uploads, u => u.Target != ThreeTargets.S3);
        var alerts = await engine.Catalog.ListAlertsAsync();
        Assert.Contains(alerts, a => a.Code == "backup.partial" && a.Severity == "warning" && a.Message.Contains("s3"));
    }

    [Fact]
    public async Task Catalog_rebuild_from_the_targets_alone_restores_the_backups_rows()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var summary = (await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest())).ReadOutputAs<BackupRunSummary>()!;

        var fromTargets = await TargetCatalogReader.ReadAsync(targets.Environment().Targets, targets.Environment().Keys);
        var rebuilt = await engine.Catalog.RebuildAsync(fromTargets.Entries.Select(e => e.Manifest));

        Assert.Equal(1, rebuilt);
        var row = await engine.Catalog.GetBackupAsync(summary.BackupId);
        Assert.NotNull(row);
        Assert.Equal(nameof(BackupKind.Full), row.Kind);
        Assert.Equal(3, row.Copies.Count(c => c.Verified));
    }
}
