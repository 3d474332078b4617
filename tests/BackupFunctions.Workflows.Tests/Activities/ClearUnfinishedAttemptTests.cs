using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Activities;

/// <summary>
/// A re-run dump (its first run was killed after a streamed copy committed) removes that unpublished artifact of its
/// own backup, and never touches one that has a manifest beside it.
/// </summary>
public sealed class ClearUnfinishedAttemptTests
{
    private const string BackupId = "20260101T020000Z-0a1b2c3d";
    private static readonly BackupObjectKeys Keys = ObjectKeys.For("app", new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero), BackupId);

    [Fact]
    public async Task An_artifact_without_a_manifest_is_removed_and_a_published_backup_is_refused_untouched()
    {
        await using var set = await ThreeTargets.CreateAsync("unused");
        var targets = set.Environment().Targets;
        var local = targets.Single(t => t.Name == ThreeTargets.Local);
        var s3 = targets.Single(t => t.Name == ThreeTargets.S3);
        await local.PutAsync(Keys.Artifact, new MemoryStream([1, 2, 3]));

        Assert.Equal([ThreeTargets.Local], await ClearUnfinishedAttempt.RunAsync(targets, BackupId, Keys, CancellationToken.None));
        Assert.Null(await local.StatAsync(Keys.Artifact));
        Assert.Empty(await ClearUnfinishedAttempt.RunAsync(targets, BackupId, Keys, CancellationToken.None));

        await s3.PutAsync(Keys.Artifact, new MemoryStream([4, 5, 6]));
        await s3.PutAsync(Keys.Manifest, new MemoryStream("{}"u8.ToArray()));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ClearUnfinishedAttempt.RunAsync(targets, BackupId, Keys, CancellationToken.None));

        Assert.Contains($"already published in target '{ThreeTargets.S3}'", e.Message);
        Assert.Equal(3, (await s3.StatAsync(Keys.Artifact))!.Size);
        Assert.NotNull(await s3.StatAsync(Keys.Manifest));
    }
}
