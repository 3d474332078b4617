using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Faults;

/// <summary>
/// The control (catalog) database unreachable while a backup runs: every connection to it is reset by the proxy in
/// front of it. The backup's data path does not need the catalog; only recording the run does, and that is retried.
/// </summary>
public sealed class CatalogOutageTests(SmallDatabaseFixture db) : IClassFixture<SmallDatabaseFixture>
{
    [Fact]
    public async Task A_catalog_gone_for_30_seconds_delays_the_record_and_the_backup_still_succeeds()
    {
        // Backoff 1, 2, 4, 8, 16, 32 s: the record outlasts a 30 s outage with attempts to spare.
        await using var run = await ProxiedRun.StartAsync(db.Name, new WorkflowRetryOptions
        {
            Attempts = 7, FirstInterval = TimeSpan.FromSeconds(1), UploadAttempts = 3, UploadFirstInterval = TimeSpan.FromSeconds(1),
        });

        run.Control.TakeDown();
        var outage = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => run.Control.BringUp(), TaskScheduler.Default);
        var meta = await run.BackupAsync(TimeSpan.FromMinutes(4));
        await outage;

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.True(summary.Status == "Succeeded", $"{summary.Status}: {summary.Error}");
        Assert.True(run.Control.Refused > 0, "the catalog was never asked while it was down");
        Assert.True(run.Engine.Converter.Inputs<RecordCatalogRequest>().Count > 1, "recording the run did not meet the outage");
        var recorded = await run.Engine.Catalog.GetBackupAsync(summary.BackupId);
        Assert.NotNull(recorded);
        Assert.Equal("Succeeded", recorded.Status);
        Assert.Equal(3, recorded.Copies.Count(c => c.Verified));
        BackupEvidence.PublishedExactlyOn(summary, await run.Targets.SnapshotAsync(), ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure);
        Assert.Empty(run.StagingLeftovers);
    }

    [Fact]
    public async Task A_catalog_that_stays_down_fails_the_run_with_a_clear_error_but_the_verified_copies_stay_and_staging_is_cleaned()
    {
        await using var run = await ProxiedRun.StartAsync(db.Name, new WorkflowRetryOptions
        {
            Attempts = 2, FirstInterval = TimeSpan.FromMilliseconds(200), UploadAttempts = 2, UploadFirstInterval = TimeSpan.FromMilliseconds(200),
        });

        run.Control.TakeDown();
        var meta = await run.BackupAsync();

        Assert.Equal(OrchestrationRuntimeStatus.Failed, meta.RuntimeStatus);
        var message = meta.FailureDetails!.ErrorMessage;
        Assert.Contains("catalog", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("catalog rebuild", message, StringComparison.Ordinal);
        var status = meta.ReadCustomStatusAs<BackupStatus>()!;

        // The copies were verified and their manifests published before the catalog was needed: the targets alone
        // give the backup back (what `backupctl catalog rebuild` reads).
        var env = run.Targets.Environment();
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, db.Name)).Resolve(status.BackupId!);
        Assert.Equal([ThreeTargets.Azure, ThreeTargets.Local, ThreeTargets.S3], entry.FoundIn.Order());
        Assert.All(entry.Manifest.Copies, c => Assert.True(c.Verified));
        Assert.Contains(status.BackupId!, message, StringComparison.Ordinal);
        Assert.Empty(run.StagingLeftovers);
    }
}
