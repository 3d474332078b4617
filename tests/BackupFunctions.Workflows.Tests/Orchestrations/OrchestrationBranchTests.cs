using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>
/// The branches of the backup, retention, integrity and restore orchestrations, on the in-memory engine with the real
/// activities, a real source and the three real targets, each target wrapped in a <see cref="FaultyTarget"/> so a test
/// can make one of them fail (transiently, permanently, or by hanging) exactly where the branch needs it.
/// Activity attempts are counted from the inputs the engine handed to the activities (<see cref="RecordingDataConverter"/>).
/// </summary>
public sealed class OrchestrationBranchTests(SmallDatabaseFixture db) : IClassFixture<SmallDatabaseFixture>
{
    /// <summary>Short intervals, distinct attempt counts: the default policy tries twice, uploads three times.</summary>
    private static WorkflowRetryOptions FastRetries() => new()
    {
        Attempts = 2,
        FirstInterval = TimeSpan.FromMilliseconds(200),
        UploadAttempts = 3,
        UploadFirstInterval = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task One_failing_target_makes_the_run_partial_alerts_and_publishes_the_manifest_only_beside_verified_copies()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets);
        var azure = run.Target(ThreeTargets.Azure);
        azure.FailPut = (_, _) => azure.Permanent();

        var meta = await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Partial", summary.Status);
        var failed = summary.Copies.Single(c => c.Target == ThreeTargets.Azure);
        Assert.False(failed.Verified);
        Assert.Contains("injected permanent failure", failed.Error);
        Assert.All(summary.Copies.Where(c => c.Target != ThreeTargets.Azure), c => Assert.True(c.Verified, c.Error));
        Assert.Contains(ThreeTargets.Azure, summary.Error);

        // The engine carries payloads as JSON with web defaults (camelCase), as the hosts configure it.
        Assert.Contains("\"backupId\":", meta.SerializedOutput);
        Assert.Contains("\"step\":\"partial\"", meta.SerializedCustomStatus);
        var status = meta.ReadCustomStatusAs<BackupStatus>()!;
        Assert.Equal("partial", status.Step);
        Assert.StartsWith("failed: ", status.Targets[ThreeTargets.Azure]);
        Assert.Equal("verified", status.Targets[ThreeTargets.Local]);
        Assert.Equal("verified", status.Targets[ThreeTargets.S3]);

        // The manifest is written only next to verified copies, and it says which copy is missing.
        Assert.Equal([ThreeTargets.Local, ThreeTargets.S3], run.Engine.Converter.Inputs<WriteManifestRequest>().Select(w => w.Target).Order());
        var env = targets.Environment();
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, db.Name)).Resolve(summary.BackupId);
        Assert.Equal([ThreeTargets.Local, ThreeTargets.S3], entry.FoundIn.Order());
        Assert.Equal([ThreeTargets.Local, ThreeTargets.S3], entry.Manifest.Copies.Select(c => c.Target).Order()); // no copy on azure to list
        Assert.All(entry.Manifest.Copies, c => Assert.True(c.Verified));
        var keys = ObjectKeys.For(entry.Manifest);
        var realAzure = env.Targets.Single(t => t.Name == ThreeTargets.Azure);
        Assert.Null(await realAzure.StatAsync(keys.Manifest));
        Assert.Null(await realAzure.StatAsync(keys.Artifact));

        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == "backup.partial" && a.Severity == "warning" && a.Message.Contains(ThreeTargets.Azure));
        var recorded = (await run.Engine.Catalog.GetBackupAsync(summary.BackupId))!;
        Assert.Equal("Partial", recorded.Status);
        Assert.Equal([ThreeTargets.Local, ThreeTargets.S3], recorded.Copies.Where(c => c.Verified).Select(c => c.Target).Order());
        Assert.DoesNotContain(recorded.Copies, c => c.Target == ThreeTargets.Azure && c.Verified);
        Assert.Empty(StagingLeftovers.In(targets.Options.StagingDirectory));
    }

    [Fact]
    public async Task A_target_that_always_fails_transiently_is_retried_as_the_upload_policy_says_then_its_copy_is_failed()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        var s3 = run.Target(ThreeTargets.S3);
        s3.FailPut = (_, _) => s3.Transient();

        var meta = await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Partial", summary.Status);
        var copy = summary.Copies.Single(c => c.Target == ThreeTargets.S3);
        Assert.False(copy.Verified);
        Assert.Contains("injected transient failure", copy.Error);

        // The streamed upload failed, then UploadArtifact ran UploadAttempts times for s3 only, and nothing was verified there.
        var uploads = run.Engine.Converter.Inputs<UploadRequest>();
        Assert.Equal(3, uploads.Count);
        Assert.All(uploads, u => Assert.Equal(ThreeTargets.S3, u.Target));
        Assert.Equal(1 + 3, s3.Puts.Count);
        Assert.DoesNotContain(run.Engine.Converter.Inputs<VerifyChecksumRequest>(), v => v.Target == ThreeTargets.S3);
        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == "backup.partial" && a.Message.Contains("injected transient failure"));
    }

    [Fact]
    public async Task A_non_retryable_failure_is_tried_once()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        var s3 = run.Target(ThreeTargets.S3);
        s3.FailPut = (_, _) => s3.Permanent();

        var meta = await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Partial", summary.Status);
        Assert.Contains("access denied", summary.Copies.Single(c => c.Target == ThreeTargets.S3).Error);
        var upload = Assert.Single(run.Engine.Converter.Inputs<UploadRequest>());
        Assert.Equal(ThreeTargets.S3, upload.Target);
        Assert.Equal(1 + 1, s3.Puts.Count); // the streamed upload and the one attempt of UploadArtifact
    }

    [Fact]
    public async Task A_manifest_that_cannot_be_written_demotes_its_verified_copy_and_the_run_is_partial()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        var local = run.Target(ThreeTargets.Local);
        local.FailPut = (key, _) => key.EndsWith("/" + ObjectKeys.ManifestFileName, StringComparison.Ordinal) ? local.Permanent("manifest put") : null;

        var meta = await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Partial", summary.Status);
        var copy = summary.Copies.Single(c => c.Target == ThreeTargets.Local);
        Assert.False(copy.Verified);
        Assert.StartsWith("manifest not written: ", copy.Error);
        Assert.Single(run.Engine.Converter.Inputs<WriteManifestRequest>(), w => w.Target == ThreeTargets.Local);
        Assert.Contains(run.Engine.Converter.Inputs<VerifyChecksumRequest>(), v => v.Target == ThreeTargets.Local);

        // The artifact is there and was verified; without its manifest it is not counted.
        var env = targets.Environment();
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, db.Name)).Resolve(summary.BackupId);
        Assert.DoesNotContain(ThreeTargets.Local, entry.FoundIn);
        var realLocal = env.Targets.Single(t => t.Name == ThreeTargets.Local);
        Assert.NotNull(await realLocal.StatAsync(ObjectKeys.For(entry.Manifest).Artifact));
        Assert.Null(await realLocal.StatAsync(ObjectKeys.For(entry.Manifest).Manifest));
        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == "backup.partial" && a.Message.Contains("manifest not written"));
    }

    [Fact]
    public async Task When_no_target_holds_a_verified_copy_the_run_fails_is_recorded_failed_and_raises_a_critical_alert()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        foreach (var t in run.Targets)
        {
            t.FailPut = (_, _) => t.Permanent();
        }

        var meta = await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.Equal(OrchestrationRuntimeStatus.Failed, meta.RuntimeStatus);
        Assert.Contains("no target holds a verified copy", meta.FailureDetails!.ErrorMessage);
        var status = meta.ReadCustomStatusAs<BackupStatus>()!;
        Assert.Equal("failed", status.Step);
        Assert.All(status.Targets.Values, v => Assert.StartsWith("failed: ", v));
        Assert.Empty(run.Engine.Converter.Inputs<WriteManifestRequest>());
        var recorded = (await run.Engine.Catalog.GetBackupAsync(status.BackupId!))!;
        Assert.Equal("Failed", recorded.Status);
        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == "backup.failed" && a.Severity == "critical" && a.Message.Contains(status.BackupId!));
        Assert.Empty(StagingLeftovers.In(targets.Options.StagingDirectory));
        Assert.Empty((await TargetCatalogReader.ReadAsync(targets.Environment().Targets, targets.Environment().Keys, db.Name)).Entries);
    }

    [Fact]
    public async Task A_failure_before_any_upload_is_not_retried_alerts_and_fails_naming_the_step()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());

        var meta = await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest { Targets = ["nowhere"] });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, meta.RuntimeStatus);
        Assert.Contains("nowhere", meta.FailureDetails!.ErrorMessage);
        Assert.Single(run.Engine.Converter.Inputs<PreflightRequest>());
        Assert.Empty(run.Engine.Converter.Inputs<DumpRequest>());
        var status = meta.ReadCustomStatusAs<BackupStatus>()!;
        Assert.Equal("failed", status.Step);
        Assert.Contains("nowhere", status.Error);
        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(),
            a => a.Code == "backup.failed" && a.Severity == "critical" && a.Message.Contains("failed at PreflightSource") && a.Message.Contains("nowhere"));
        Assert.Empty(await run.Engine.Catalog.ListBackupsAsync());
        Assert.All(run.Targets, t => Assert.Empty(t.Puts));
    }

    [Fact]
    public async Task A_target_this_host_cannot_feed_from_staging_is_copied_from_a_verified_target()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        var azure = run.Target(ThreeTargets.Azure);
        azure.FailPut = (_, n) => n == 1 ? azure.Transient() : null; // the streamed upload fails, later puts work
        // The orchestration resumed on a host without the staging file: it is gone when the upload activity starts.
        run.Engine.Converter.OnDeserialized = v =>
        {
            if (v is UploadRequest { SourceTarget: null } u)
            {
                File.Delete(u.StagingPath);
            }
        };

        var meta = await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", summary.Status);
        Assert.All(summary.Copies, c => Assert.True(c.Verified, c.Error));
        var uploads = run.Engine.Converter.Inputs<UploadRequest>();
        Assert.Equal(2, uploads.Count); // the missing staging file is not retried; the copy from a target is the next step
        Assert.All(uploads, u => Assert.Equal(ThreeTargets.Azure, u.Target));
        Assert.Null(uploads[0].SourceTarget);
        Assert.Equal(ThreeTargets.Local, uploads[1].SourceTarget);
        var entry = (await TargetCatalogReader.ReadAsync(targets.Environment().Targets, targets.Environment().Keys, db.Name)).Resolve(summary.BackupId);
        Assert.Equal(3, entry.FoundIn.Count);
        Assert.True(entry.Manifest.Copies.Single(c => c.Target == ThreeTargets.Azure).Verified);
    }

    [Fact]
    public async Task An_activity_past_its_bounded_run_time_is_cancelled_and_retried_then_its_copy_fails()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        targets.Options.Activities.Timeouts[nameof(VerifyChecksum)] = TimeSpan.FromSeconds(3);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        var s3 = run.Target(ThreeTargets.S3);
        s3.HangReads = true; // the read-back of the copy never answers

        var meta = await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Partial", summary.Status);
        var copy = summary.Copies.Single(c => c.Target == ThreeTargets.S3);
        Assert.False(copy.Verified);
        Assert.Contains("Activity VerifyChecksum did not finish within 00:00:03", copy.Error);
        Assert.Contains("BackupFunctions:Activities:Timeouts:VerifyChecksum", copy.Error);
        // A timeout is retryable: both attempts of the default policy ran, and each one's cancellation reached the hung read.
        Assert.Equal(2, run.Engine.Converter.Inputs<VerifyChecksumRequest>().Count(v => v.Target == ThreeTargets.S3));
        Assert.Equal(2, s3.ReadsCancelled);
        Assert.All(summary.Copies.Where(c => c.Target != ThreeTargets.S3), c => Assert.True(c.Verified, c.Error));
        Assert.DoesNotContain(run.Engine.Converter.Inputs<WriteManifestRequest>(), w => w.Target == ThreeTargets.S3);
    }

    [Fact]
    public async Task Retention_on_a_target_that_fails_alerts_for_that_target_and_the_others_proceed()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        var azure = run.Target(ThreeTargets.Azure);
        azure.FailLists = azure.Permanent("listing");

        var meta = await run.Engine.RunAsync(OrchestrationNames.Retention, null);

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var results = meta.ReadOutputAs<List<RetentionResult>>()!;
        Assert.Equal([ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure], results.Select(r => r.Target));
        Assert.Equal(0, results.Single(r => r.Target == ThreeTargets.Azure).KeepDays);
        Assert.All(results.Where(r => r.Target != ThreeTargets.Azure), r => Assert.Equal(30, r.KeepDays));
        var alert = Assert.Single(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == "retention.failed");
        Assert.Equal("warning", alert.Severity);
        Assert.Contains("'azure'", alert.Message);
    }

    [Fact]
    public async Task An_integrity_check_that_cannot_read_a_copy_retries_then_calls_it_unreachable_not_damaged()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        var backup = (await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest())).ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", backup.Status);
        var azure = run.Target(ThreeTargets.Azure);
        azure.FailRead = _ => azure.Transient("read");
        var meta = await run.Engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest(backup.BackupId));

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var result = meta.ReadOutputAs<IntegritySummary>()!;
        Assert.Equal(3, result.CopiesChecked);
        Assert.Equal(2, result.Intact);
        Assert.Empty(result.Damaged);
        Assert.Equal([$"{backup.BackupId}@{ThreeTargets.Azure}"], result.Unreachable);
        var checks = run.Engine.Converter.Inputs<CheckCopyRequest>().Where(c => c.FullRead).ToList();
        Assert.Equal(2, checks.Count(c => c.Copy.Target == ThreeTargets.Azure)); // transient: retried per the default policy
        Assert.Equal(2, checks.Count(c => c.Copy.Target != ThreeTargets.Azure));
        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == "integrity.unreachable" && a.Severity == "warning" && a.Message.Contains("'azure'"));
        Assert.DoesNotContain(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == VerifyIntegrityOrchestrator.CorruptCode);
        // Unknown is not damaged: the copy keeps its verified state and nothing was repaired or deleted.
        Assert.True((await run.Engine.Catalog.GetBackupAsync(backup.BackupId))!.Copies.Single(c => c.Target == ThreeTargets.Azure).Verified);
        Assert.Empty(run.Engine.Converter.Inputs<RemoveDamagedObjectRequest>());
    }

    [Fact]
    public async Task A_test_restore_that_cannot_read_any_copy_is_recorded_failed_alerted_and_drops_its_scratch_database()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());
        var backup = (await run.Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest())).ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", backup.Status);
        foreach (var t in run.Targets)
        {
            // The manifests stay readable (the backup is found); every copy of the artifact refuses to download.
            t.FailRead = key => key.EndsWith("/" + ObjectKeys.ArtifactFileName, StringComparison.Ordinal) ? t.Permanent("download") : null;
        }

        var meta = await run.Engine.RunAsync(OrchestrationNames.TestRestore, new RestoreRequest { BackupId = backup.BackupId });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, meta.RuntimeStatus);
        Assert.Contains($"Test restore of {backup.BackupId} failed", meta.FailureDetails!.ErrorMessage);
        Assert.Contains("Every target that holds a copy failed", meta.FailureDetails.ErrorMessage);
        var restore = Assert.Single(await run.Engine.Catalog.ListRestoresAsync());
        Assert.Equal("test", restore.Kind);
        Assert.False(restore.Succeeded);
        Assert.Equal(backup.BackupId, restore.BackupId);
        Assert.StartsWith(targets.Options.Scratch.DatabasePrefix, restore.TargetDatabase);
        Assert.False(await Sql.DatabaseExistsAsync(restore.TargetDatabase));
        // RestoreBackup and DropScratchDatabase take the same input: one restore (a failed one is a result, not retried), one drop.
        Assert.Equal(2, run.Engine.Converter.Inputs<RestoreBackupRequest>().Count);
        // Every copy was tried in turn.
        Assert.All(run.Targets, t => Assert.Contains(t.Reads, k => k.EndsWith("/" + ObjectKeys.ArtifactFileName, StringComparison.Ordinal)));
        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == "restore.test.failed" && a.Severity == "critical" && a.Message.Contains(backup.BackupId));
    }

    [Fact]
    public async Task A_restore_of_an_unknown_backup_fails_at_once_with_a_critical_alert()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var run = await FaultyRun.StartAsync(targets, FastRetries());

        var meta = await run.Engine.RunAsync(OrchestrationNames.Restore, new RestoreRequest { BackupId = "20990101T000000Z-deadbeef", TargetDatabase = "never_created" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, meta.RuntimeStatus);
        Assert.Contains("20990101T000000Z-deadbeef", meta.FailureDetails!.ErrorMessage);
        Assert.Empty(run.Engine.Converter.Inputs<RestoreBackupRequest>());
        Assert.Empty(await run.Engine.Catalog.ListRestoresAsync());
        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(), a => a.Code == "restore.restore.failed" && a.Severity == "critical");
        Assert.False(await Sql.DatabaseExistsAsync("never_created"));
    }

    /// <summary>An engine whose targets are the configured ones, each inside a <see cref="FaultyTarget"/> (no faults until a test sets them).</summary>
    private sealed class FaultyRun : IAsyncDisposable
    {
        private FaultyRun(EngineHarness engine, IReadOnlyList<FaultyTarget> targets)
        {
            Engine = engine;
            Targets = targets;
        }

        public EngineHarness Engine { get; }

        public IReadOnlyList<FaultyTarget> Targets { get; }

        public FaultyTarget Target(string name) => Targets.Single(t => t.Name == name);

        public static async Task<FaultyRun> StartAsync(ThreeTargets targets, WorkflowRetryOptions? retries = null)
        {
            var options = targets.Options;
            var faulty = BackupTargetFactory.CreateAll(options.Targets).Select(t => new FaultyTarget(t)).ToList();
            var engine = await EngineHarness.StartAsync(options, retries, services =>
                services.AddSingleton(sp => new BackupEnvironment(options, sp.GetService<ILoggerFactory>(), targets: faulty)));
            return new FaultyRun(engine, faulty);
        }

        public ValueTask DisposeAsync() => Engine.DisposeAsync();
    }
}
