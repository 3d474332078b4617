using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Tests.Support;
using BackupFunctions.Workflows.Verification;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// Acceptance: the sample database backed up through each target alone and restored from it has the
/// same schema (pg_dump --schema-only) and the same row count in every table.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class RoundTripTests(SampleDatabaseFixture sample)
{
    [Theory]
    [InlineData(ThreeTargets.Local)]
    [InlineData(ThreeTargets.S3)]
    [InlineData(ThreeTargets.Azure)]
    public async Task Backup_to_one_target_and_restore_from_it_gives_the_same_schema_and_row_counts(string targetName)
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment();

        var backup = await new DirectBackupRunner(env).RunAsync(null, [targetName]);

        Assert.Equal(BackupRunStatus.Succeeded, backup.Status);
        var copy = Assert.Single(backup.Copies);
        Assert.Equal(targetName, copy.Target);
        Assert.True(copy.Verified, copy.Error);
        Assert.Equal(sample.Name, backup.Database);

        // Restore from what the target holds, found the way a disaster recovery would: from its manifests alone.
        var catalog = await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, sample.Name);
        var entry = catalog.Resolve("latest");
        Assert.Equal(backup.BackupId, entry.BackupId);
        Assert.Equal([targetName], entry.FoundIn);

        var restoredName = "wf_rt_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            var restore = await new RestoreRunner(env).RunAsync(entry, env.Source(restoredName));

            Assert.True(restore.Succeeded, restore.Error);
            Assert.Equal(targetName, restore.ServedBy);
            Assert.Equal(await Sql.SchemaAsync(sample.Name), await Sql.SchemaAsync(restoredName));
            var sourceCounts = await Sql.RowCountsAsync(sample.Name);
            Assert.Equal(10, sourceCounts.Count);
            Assert.Equal(sourceCounts, await Sql.RowCountsAsync(restoredName));
            Assert.Contains(sourceCounts, kv => kv.Value > 0);
        }
        finally
        {
            await Sql.DropDatabaseAsync(restoredName);
        }
    }

    [Fact]
    public async Task Backup_to_three_targets_verifies_every_copy_and_writes_a_manifest_to_each()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment();

        var backup = await new DirectBackupRunner(env).RunAsync(sample.Name, null);

        Assert.Equal(BackupRunStatus.Succeeded, backup.Status);
        Assert.Null(backup.Error);
        Assert.Equal([ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure], backup.Copies.Select(c => c.Target));
        Assert.All(backup.Copies, c => Assert.True(c.Verified && c.Uploaded && c.Error is null, c.Error));
        var manifest = backup.Manifest!;
        Assert.All(backup.Copies, c => Assert.Equal(manifest.StoredBytes, c.Bytes));
        Assert.Equal(3, manifest.Copies.Count(c => c.Verified));
        Assert.Equal(await Sql.RowCountsAsync(sample.Name), new SortedDictionary<string, long>(manifest.RowCounts.ToDictionary(), StringComparer.Ordinal));

        // Each target holds the artifact and, next to it, a manifest listing all three copies.
        var keys = ObjectKeys.For(manifest);
        foreach (var target in env.Targets)
        {
            Assert.Equal(manifest.StoredBytes, (await target.StatAsync(keys.Artifact))?.Size);
            await using var stream = await target.OpenReadAsync(keys.Manifest);
            var stored = await ManifestSerializer.DeserializeAsync(stream);
            Assert.Equal(manifest.BackupId, stored.BackupId);
            Assert.Equal(manifest.StoredSha256, stored.StoredSha256);
            Assert.Equal(3, stored.Copies.Count(c => c.Verified));
        }

        var catalog = await TargetCatalogReader.ReadAsync(env.Targets, env.Keys);
        Assert.Empty(catalog.Warnings);
        var entry = Assert.Single(catalog.Entries);
        Assert.Equal(backup.BackupId, entry.BackupId);
        Assert.Equal([ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure], entry.FoundIn);
        Assert.Same(entry, catalog.Resolve("latest"));
        Assert.Same(entry, catalog.Resolve(backup.BackupId));
        Assert.Throws<BackupNotFoundException>(() => catalog.Resolve("20200101T000000Z-00000000"));

        var verify = await new VerifyRunner(env).RunAsync(entry);
        Assert.True(verify.AllIntact, string.Join("; ", verify.Copies.Select(c => $"{c.Target}: {c.Error}")));
        Assert.Equal(3, verify.Copies.Count);
        Assert.All(verify.Copies, c => Assert.Equal(manifest.StoredSha256, c.ActualSha256, ignoreCase: true));
    }
    /// <summary>
    /// jobs 1: the single-transaction stream, where pg_restore has started before the damage is found and
    /// the transaction rolls back. jobs 2: the parallel path, which checks the whole artifact before
    /// pg_restore starts. Either way the damaged copies leave nothing behind.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Damaged_copies_leave_nothing_behind_and_the_last_good_target_restores(int jobs)
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        targets.Options.Restore.Jobs = jobs;
        var env = targets.Environment();
        var backup = await new DirectBackupRunner(env).RunAsync(null, null);
        Assert.Equal(BackupRunStatus.Succeeded, backup.Status);
        var key = backup.Manifest!.ArtifactKey;

        // The sample's artifact has several 1 MiB chunks, so pg_restore gets the first ones before the damage is found.
        var path = Path.Combine(targets.LocalPath, key);
        var bytes = await File.ReadAllBytesAsync(path);
        var chunkSize = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8, 4));
        var headerLength = ArtifactBytes.HeaderLength(bytes);
        var storedChunk = chunkSize + 16;
        Assert.True(bytes.Length > headerLength + 3 * storedChunk, $"the artifact ({bytes.Length} bytes) should have more than 3 chunks");
        // local: cut exactly after the second chunk ("ends without its final chunk"); s3: one bit flipped in the final chunk.
        await File.WriteAllBytesAsync(path, bytes[..(headerLength + 2 * storedChunk)]);
        var flipped = (byte[])bytes.Clone();
        flipped[^20] ^= 0x04;
        // Puts never replace, so damage the stored copy the way a store's bit rot would look: other bytes under the key.
        await env.FindTarget(ThreeTargets.S3)!.DeleteAsync(key);
        await env.FindTarget(ThreeTargets.S3)!.PutAsync(key, new MemoryStream(flipped));
        var damaged = await targets.SnapshotAsync();

        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys)).Resolve("latest");
        var destination = "wf_rt_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            var restore = await new RestoreRunner(env).RunAsync(entry, env.Source(destination));

            Assert.True(restore.Succeeded, restore.Error);
            Assert.Equal(jobs == 1 ? "stream, single transaction" : "parallel -j 2", restore.Mode);
            Assert.Equal(ThreeTargets.Azure, restore.ServedBy);
            Assert.Equal([ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure], restore.Attempts.Select(a => a.Target));
            Assert.Equal([false, false, true], restore.Attempts.Select(a => a.Succeeded));
            // The whole-object hash is compared as soon as the input ends, so either check may name the damage.
            Assert.True(restore.Attempts[0].Error!.Contains("SHA-256") || restore.Attempts[0].Error!.Contains("final chunk"), restore.Attempts[0].Error);
            Assert.False(string.IsNullOrWhiteSpace(restore.Attempts[1].Error));
            // The two aborted attempts left nothing behind: the schema and the counts are exactly the source's.
            Assert.Equal(await Sql.SchemaAsync(sample.Name), await Sql.SchemaAsync(destination));
            Assert.Equal(await Sql.RowCountsAsync(sample.Name), await Sql.RowCountsAsync(destination));
        }
        finally
        {
            await Sql.DropDatabaseAsync(destination);
        }

        var verify = await new VerifyRunner(env).RunAsync(entry);
        Assert.Equal([false, false, true], verify.Copies.Select(c => c.Intact));
        Assert.Equal(damaged, await targets.SnapshotAsync());
    }
}
