using Azure.Storage.Blobs;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;
using Npgsql;

namespace BackupFunctions.Workflows.Tests.Integrity;

/// <summary>
/// The integrity check on the real engine, the three real targets (a directory, s3rver, Azurite) and a real catalog:
/// damage is done to the stored objects directly (bytes flipped on disk, a blob overwritten through the Azure SDK, an
/// object deleted, a manifest overwritten), then the check must find it, alert, repair it from a good copy and verify it.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class IntegrityRepairTests(SampleDatabaseFixture sample)
{
    [Fact]
    public async Task The_hourly_run_detects_a_copy_damaged_on_disk_and_one_in_Azurite_alerts_repairs_both_from_a_good_copy_and_resolves_the_alerts()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var backup = await BackUpAsync(engine);
        var keys = ObjectKeys.For(sample.Name, backup.CreatedAt, backup.BackupId);
        // A first check of this backup reads every copy whole and records what each target reports about it.
        var first = (await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest(backup.BackupId))).ReadOutputAs<IntegritySummary>()!;
        Assert.Equal(3, first.Intact);

        var localFile = Path.Combine(targets.LocalPath, keys.Artifact);
        var damagedLocal = await File.ReadAllBytesAsync(localFile);
        damagedLocal[damagedLocal.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(localFile, damagedLocal);
        var blob = new BlobContainerClient(TestServices.AzuriteConnectionString, targets.Container).GetBlobClient(keys.Artifact);
        var damagedBlob = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        damagedBlob[100] ^= 0xFF;
        await blob.UploadAsync(new BinaryData(damagedBlob), overwrite: true);

        // The scheduled form: a slice of ceil(3 / 168) = 1 copy is read whole, the others get the cheap check, which
        // sees both rewritten objects and has them read whole in the same run.
        var run = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest());

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, run.FailureDetails?.ErrorMessage);
        var result = run.ReadOutputAs<IntegritySummary>()!;
        Assert.Equal(1, result.SliceSize);
        Assert.Equal(2, result.StatChecked);
        string[] both = [$"{backup.BackupId}@{ThreeTargets.Local}", $"{backup.BackupId}@{ThreeTargets.Azure}"];
        Assert.Equal(both.Order(), result.Damaged.Order());
        Assert.Equal(both.Order(), result.Repaired.Order());
        Assert.Empty(result.NotRepaired);
        Assert.Empty(result.Unreachable);

        var alerts = await engine.Catalog.ListAlertsAsync(includeAcknowledged: true);
        foreach (var target in new[] { ThreeTargets.Local, ThreeTargets.Azure })
        {
            var alert = Assert.Single(alerts, a => a.DedupeKey == $"copy:{backup.BackupId}:{target}");
            Assert.Equal("critical", alert.Severity);
            Assert.Equal(VerifyIntegrityOrchestrator.CorruptCode, alert.Code);
            Assert.Contains("SHA-256 mismatch", alert.Message);
            Assert.NotNull(alert.ResolvedAt);
            Assert.Contains("repaired from target", alert.ResolvedReason);
        }

        Assert.DoesNotContain(await engine.Catalog.ListAlertsAsync(), a => a.Code == VerifyIntegrityOrchestrator.CorruptCode);
        var env = targets.Environment();
        foreach (var target in env.Targets)
        {
            Assert.True(await TargetVerifier.VerifyAsync(target, keys.Artifact, backup.StoredSha256), $"{target.Name} does not hold the backup's bytes after the repair");
        }

        Assert.NotEqual(damagedLocal, await File.ReadAllBytesAsync(localFile));
        var copies = (await engine.Catalog.GetBackupAsync(backup.BackupId))!.Copies;
        Assert.All(copies, c => Assert.True(c.Verified && c.LastError is null, $"{c.Target}: {c.LastError}"));
        // The damage and the repair are both in the verification history.
        Assert.Equal(2, await VerificationsAsync(engine, backup.BackupId, intact: false));

        // And a restore-grade read of everything now passes: the next full run finds nothing wrong.
        var again = (await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest(backup.BackupId))).ReadOutputAs<IntegritySummary>()!;
        Assert.Equal(3, again.Intact);
        Assert.Empty(again.Damaged);
    }

    [Fact]
    public async Task A_missing_artifact_and_an_invalid_manifest_are_damage_and_are_repaired_from_the_intact_copy()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var backup = await BackUpAsync(engine);
        var keys = ObjectKeys.For(sample.Name, backup.CreatedAt, backup.BackupId);
        var env = targets.Environment();
        var s3 = env.FindTarget(ThreeTargets.S3)!;
        var azure = env.FindTarget(ThreeTargets.Azure)!;
        await s3.DeleteAsync(keys.Artifact);
        var localManifest = Path.Combine(targets.LocalPath, keys.Manifest);
        await File.WriteAllTextAsync(localManifest, "{\"backupId\": \"not a manifest\"");

        var run = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest(backup.BackupId));

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, run.FailureDetails?.ErrorMessage);
        var result = run.ReadOutputAs<IntegritySummary>()!;
        string[] both = [$"{backup.BackupId}@{ThreeTargets.Local}", $"{backup.BackupId}@{ThreeTargets.S3}"];
        Assert.Equal(both.Order(), result.Damaged.Order());
        Assert.Equal(both.Order(), result.Repaired.Order());
        var alerts = await engine.Catalog.ListAlertsAsync(includeAcknowledged: true);
        Assert.Contains("is missing", Assert.Single(alerts, a => a.DedupeKey == $"copy:{backup.BackupId}:{ThreeTargets.S3}").Message);
        Assert.Contains("manifest.json", Assert.Single(alerts, a => a.DedupeKey == $"copy:{backup.BackupId}:{ThreeTargets.Local}").Message);
        Assert.All(alerts.Where(a => a.Code == VerifyIntegrityOrchestrator.CorruptCode), a => Assert.NotNull(a.ResolvedAt));

        Assert.True(await TargetVerifier.VerifyAsync(s3, keys.Artifact, backup.StoredSha256));
        // The manifest was copied byte for byte from a target whose manifest is valid (its signature still holds).
        await using var good = await azure.OpenReadAsync(keys.Manifest);
        using var goodBytes = new MemoryStream();
        await good.CopyToAsync(goodBytes);
        Assert.Equal(goodBytes.ToArray(), await File.ReadAllBytesAsync(localManifest));
        await using var repaired = File.OpenRead(localManifest);
        Assert.Equal(backup.BackupId, (await ManifestReader.ReadAsync(repaired, env.Keys)).Manifest.BackupId);
        // Only the damaged parts were replaced: the local artifact and the S3 manifest were never deleted.
        Assert.DoesNotContain(engine.Converter.Inputs<RemoveDamagedObjectRequest>(),
            r => (r.Target == ThreeTargets.Local && r.ObjectKey == keys.Artifact) || (r.Target == ThreeTargets.S3 && r.ObjectKey == keys.Manifest));
    }

    [Fact]
    public async Task With_no_good_copy_anywhere_nothing_is_deleted_or_rewritten_and_the_critical_alerts_stay_open()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var backup = await BackUpAsync(engine);
        var keys = ObjectKeys.For(sample.Name, backup.CreatedAt, backup.BackupId);
        var env = targets.Environment();
        foreach (var target in env.Targets)
        {
            // Every copy gets different wrong bytes (delete-then-put: a put never replaces).
            await using var read = await target.OpenReadAsync(keys.Artifact);
            using var buffer = new MemoryStream();
            await read.CopyToAsync(buffer);
            var bytes = buffer.ToArray();
            bytes[bytes.Length / 3] ^= (byte)(1 + target.Name.Length);
            await target.DeleteAsync(keys.Artifact);
            await target.PutAsync(keys.Artifact, new MemoryStream(bytes));
        }

        var before = await targets.SnapshotAsync();

        var run = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest(backup.BackupId));

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, run.FailureDetails?.ErrorMessage);
        var result = run.ReadOutputAs<IntegritySummary>()!;
        Assert.Equal(3, result.Damaged.Count);
        Assert.Empty(result.Repaired);
        Assert.Equal(3, result.NotRepaired.Count);
        Assert.Equal(before, await targets.SnapshotAsync());
        Assert.Empty(engine.Converter.Inputs<RemoveDamagedObjectRequest>());
        Assert.Empty(engine.Converter.Inputs<UploadRequest>());
        var open = (await engine.Catalog.ListAlertsAsync()).Where(a => a.Code == VerifyIntegrityOrchestrator.CorruptCode).ToList();
        Assert.Equal(3, open.Count);
        Assert.All(open, a =>
        {
            Assert.Equal("critical", a.Severity);
            Assert.Null(a.ResolvedAt);
            Assert.Contains("NOT repaired: no other target holds a verified copy", a.Message);
        });
        var copies = (await engine.Catalog.GetBackupAsync(backup.BackupId))!.Copies;
        Assert.All(copies, c => Assert.False(c.Verified));
        Assert.All(copies, c => Assert.Contains("SHA-256 mismatch", c.LastError));
        Assert.Equal(3, await VerificationsAsync(engine, backup.BackupId, intact: false));

        // The next run re-reads the copies marked corrupt and refreshes the same alerts instead of opening new ones.
        var next = (await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest())).ReadOutputAs<IntegritySummary>()!;
        Assert.Equal(3, next.Damaged.Count);
        Assert.Equal(3, (await engine.Catalog.ListAlertsAsync()).Count(a => a.Code == VerifyIntegrityOrchestrator.CorruptCode));
        Assert.Equal(before, await targets.SnapshotAsync());
    }

    private static async Task<CatalogBackup> BackUpAsync(EngineHarness engine)
    {
        var run = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());
        var summary = run.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", summary.Status);
        return (await engine.Catalog.GetBackupAsync(summary.BackupId))!;
    }

    private static async Task<long> VerificationsAsync(EngineHarness engine, string backupId, bool intact)
    {
        await using var conn = new NpgsqlConnection(engine.ControlConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM bf_catalog.verifications WHERE backup_id = $1 AND intact = $2", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = backupId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = intact });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
