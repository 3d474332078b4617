using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Faults;

/// <summary>
/// Full backups on the real engine while the network to the S3 server and Azurite misbehaves (a <see cref="FaultProxy"/>
/// in front of each): a throttling storm, connection resets mid-upload and mid-verify, a target that is down for the
/// whole run. Each test first makes a good backup and checks afterwards that the fault neither removed nor replaced it,
/// that nothing half-written is published, and that staging is empty.
/// </summary>
public sealed class TargetFaultTests(SmallDatabaseFixture db) : IClassFixture<SmallDatabaseFixture>
{
    /// <summary>Short intervals; enough attempts to outlast the few-second storms below (1 + 2 + 4 s of backoff for uploads).</summary>
    private static WorkflowRetryOptions Retries() => new()
    {
        Attempts = 4,
        FirstInterval = TimeSpan.FromSeconds(1),
        UploadAttempts = 4,
        UploadFirstInterval = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task A_SlowDown_storm_on_S3_and_Azure_is_ridden_out_by_the_retries_and_every_copy_verifies()
    {
        await using var run = await ProxiedRun.StartAsync(db.Name, Retries());
        var first = await run.BackupAsync();
        Assert.True(first.RuntimeStatus == OrchestrationRuntimeStatus.Completed, first.FailureDetails?.ErrorMessage);
        var before = await run.Targets.SnapshotAsync();

        // Every request to either store gets 503 SlowDown for three seconds from the start of the run.
        run.S3.Fail503For(TimeSpan.FromSeconds(3));
        run.Azure.Fail503For(TimeSpan.FromSeconds(3));
        var meta = await run.BackupAsync();

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.True(summary.Status == "Succeeded", $"{summary.Status}: {summary.Error}");
        Assert.All(summary.Copies, c => Assert.True(c.Verified, $"{c.Target}: {c.Error}"));
        Assert.True(run.S3.Injected503s > 0, "the storm never reached S3");
        Assert.True(run.Azure.Injected503s > 0, "the storm never reached Azurite");

        var after = await run.Targets.SnapshotAsync();
        BackupEvidence.Untouched(before, after);
        BackupEvidence.PublishedExactlyOn(summary, after, ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure);
        Assert.Equal("Succeeded", (await run.Engine.Catalog.GetBackupAsync(summary.BackupId))!.Status);
        Assert.DoesNotContain(await run.Engine.Catalog.ListAlertsAsync(), a => a.Message.Contains(summary.BackupId, StringComparison.Ordinal));
        Assert.Empty(run.StagingLeftovers);
    }

    [Fact]
    public async Task Connections_reset_mid_upload_and_mid_verify_are_retried_to_verified_copies()
    {
        await using var run = await ProxiedRun.StartAsync(db.Name, Retries());
        var first = await run.BackupAsync();
        Assert.True(first.RuntimeStatus == OrchestrationRuntimeStatus.Completed, first.FailureDetails?.ErrorMessage);
        var before = await run.Targets.SnapshotAsync();

        // The S3 upload breaks 32 KiB into its body; Azurite's answer breaks 32 KiB in (the verify's read of the artifact).
        run.S3.ResetRequestAfter(32 * 1024);
        run.Azure.ResetResponseAfter(32 * 1024);
        var meta = await run.BackupAsync();

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.True(summary.Status == "Succeeded", $"{summary.Status}: {summary.Error}");
        Assert.Equal(1, run.S3.Resets);
        Assert.Equal(1, run.Azure.Resets);
        var after = await run.Targets.SnapshotAsync();
        BackupEvidence.Untouched(before, after);
        BackupEvidence.PublishedExactlyOn(summary, after, ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure);
        // Every stored copy has the bytes the dump produced: the verify read them back and compared the SHA-256.
        Assert.All(summary.Copies, c => Assert.True(c.Verified, $"{c.Target}: {c.Error}"));
        Assert.Empty(run.StagingLeftovers);
    }

    [Fact]
    public async Task A_target_down_for_the_whole_run_leaves_a_partial_backup_an_alert_and_nothing_on_that_target()
    {
        await using var run = await ProxiedRun.StartAsync(db.Name, Retries());
        var first = await run.BackupAsync();
        Assert.True(first.RuntimeStatus == OrchestrationRuntimeStatus.Completed, first.FailureDetails?.ErrorMessage);
        var before = await run.Targets.SnapshotAsync();

        run.S3.TakeDown();
        var meta = await run.BackupAsync();

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Partial", summary.Status);
        var s3 = summary.Copies.Single(c => c.Target == ThreeTargets.S3);
        Assert.False(s3.Verified);
        Assert.False(string.IsNullOrWhiteSpace(s3.Error));
        Assert.True(run.S3.Refused > 1, "the down target was not retried");
        // Retried as the upload policy says (the streamed attempt inside the dump, then UploadArtifact's attempts).
        Assert.Equal(Retries().UploadAttempts, run.Engine.Converter.Inputs<UploadRequest>().Count(u => u.Target == ThreeTargets.S3));

        var after = await run.Targets.SnapshotAsync();
        BackupEvidence.Untouched(before, after);
        BackupEvidence.PublishedExactlyOn(summary, after, ThreeTargets.Local, ThreeTargets.Azure);
        var recorded = (await run.Engine.Catalog.GetBackupAsync(summary.BackupId))!;
        Assert.Equal("Partial", recorded.Status);
        Assert.DoesNotContain(recorded.Copies, c => c.Target == ThreeTargets.S3 && c.Verified);
        Assert.Contains(await run.Engine.Catalog.ListAlertsAsync(), a =>
            a.Code == "backup.partial" && a.Severity == "warning" && a.Message.Contains(summary.BackupId, StringComparison.Ordinal) && a.Message.Contains(ThreeTargets.S3, StringComparison.Ordinal));
        Assert.Empty(run.StagingLeftovers);
    }
}
