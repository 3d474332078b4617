using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Targets;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Tests.Support;
using BackupFunctions.Workflows.Verification;
using Npgsql;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// Acceptance: bad input gets a clear message and a failed or partial result, and no good copy is
/// deleted or overwritten. Each test backs the small database up to its own three targets first,
/// and compares the SHA-256 of every stored object before and after.
/// </summary>
public sealed class BadInputTests(SmallDatabaseFixture db) : IClassFixture<SmallDatabaseFixture>, IAsyncLifetime
{
    private ThreeTargets _targets = null!;
    private readonly List<string> _databasesToDrop = [];

    public async Task InitializeAsync() => _targets = await ThreeTargets.CreateAsync(db.Name);

    public async Task DisposeAsync()
    {
        foreach (var name in _databasesToDrop) await Sql.DropDatabaseAsync(name);
        await _targets.DisposeAsync();
    }

    [Fact]
    public async Task A_different_key_with_the_same_id_fails_verify_and_restore_naming_the_key_and_changes_nothing()
    {
        var (entry, before) = await GoodBackupAsync();
        var impostor = new KeyRing([KeyEncryptionKey.Generate(ThreeTargets.KeyId)], ThreeTargets.KeyId);
        var env = _targets.Environment(impostor);

        var verify = await new VerifyRunner(env).RunAsync(entry);

        Assert.False(verify.AllIntact);
        Assert.Equal(3, verify.Copies.Count);
        Assert.All(verify.Copies, c =>
        {
            Assert.False(c.Intact);
            Assert.Contains($"'{ThreeTargets.KeyId}'", c.Error);
            Assert.Contains("not the key this artifact was encrypted with", c.Error);
        });

        var destination = NewDatabaseName();
        var error = await Assert.ThrowsAsync<WrongKeyException>(() => new RestoreRunner(env).RunAsync(entry, env.Source(destination)));
        Assert.Equal(ThreeTargets.KeyId, error.KeyId);
        Assert.Contains($"'{ThreeTargets.KeyId}'", error.Message);
        Assert.False(await Sql.DatabaseExistsAsync(destination), "a failed restore must not leave the database it created behind");

        await AssertUnchangedAndStillGoodAsync(entry, before);
    }

    [Fact]
    public async Task A_key_ring_without_the_artifacts_key_id_fails_verify_and_restore_naming_both_ids_and_changes_nothing()
    {
        var (entry, before) = await GoodBackupAsync();
        var other = new KeyRing([KeyEncryptionKey.Generate("other-key")], "other-key");
        var env = _targets.Environment(other);

        var verify = await new VerifyRunner(env).RunAsync(entry);

        Assert.All(verify.Copies, c =>
        {
            Assert.False(c.Intact);
            Assert.Contains($"needs key-encryption key '{ThreeTargets.KeyId}'", c.Error);
            Assert.Contains("'other-key'", c.Error);
        });
        var destination = NewDatabaseName();
        var error = await Assert.ThrowsAsync<UnknownKeyException>(() => new RestoreRunner(env).RunAsync(entry, env.Source(destination)));
        Assert.Equal(ThreeTargets.KeyId, error.KeyId);
        Assert.False(await Sql.DatabaseExistsAsync(destination), "a failed restore must not leave the database it created behind");

        await AssertUnchangedAndStillGoodAsync(entry, before);
    }

    public static TheoryData<string, double> Damages => new()
    {
        { "flip", 0.0 },   // the magic number
        { "flip", 0.02 },  // inside the header (key id / wrapped key / header hash), or the first chunk
        { "flip", 0.5 },
        { "flip", 1.0 },   // the last byte: the final chunk's tag
        { "truncate", 0.5 },
        { "truncate", 1.0 }, // one byte short
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_local_copy_fails_verify_alone_and_restore_falls_back_to_the_next_target(string damage, double where)
    {
        var (entry, _) = await GoodBackupAsync();
        var path = Path.Combine(_targets.LocalPath, entry.Manifest.ArtifactKey);
        var bytes = await File.ReadAllBytesAsync(path);
        if (damage == "flip")
        {
            var offset = Math.Min(bytes.Length - 1, (long)(bytes.Length * where));
            bytes[offset] ^= 0x01;
            await File.WriteAllBytesAsync(path, bytes);
        }
        else
        {
            var length = where >= 1.0 ? bytes.Length - 1 : (int)(bytes.Length * where);
            await File.WriteAllBytesAsync(path, bytes[..length]);
        }

        var damaged = await _targets.SnapshotAsync();
        var env = _targets.Environment();

        var verify = await new VerifyRunner(env).RunAsync(entry);

        Assert.False(verify.AllIntact);
        var local = verify.Copies.Single(c => c.Target == ThreeTargets.Local);
        Assert.False(local.Intact);
        Assert.False(local.Unreachable); // read fine, the bytes are bad: an integrity problem, not an outage
        Assert.False(string.IsNullOrWhiteSpace(local.Error));
        Assert.All(verify.Copies.Where(c => c.Target != ThreeTargets.Local), c => Assert.True(c.Intact, c.Error));

        var destination = NewDatabaseName();
        var restore = await new RestoreRunner(env).RunAsync(entry, env.Source(destination));

        Assert.True(restore.Succeeded, restore.Error);
        Assert.Equal(ThreeTargets.S3, restore.ServedBy);
        Assert.Collection(restore.Attempts,
            a =>
            {
                Assert.Equal(ThreeTargets.Local, a.Target);
                Assert.False(a.Succeeded);
                Assert.False(string.IsNullOrWhiteSpace(a.Error));
            },
            a =>
            {
                Assert.Equal(ThreeTargets.S3, a.Target);
                Assert.True(a.Succeeded);
            });
        Assert.Equal(await Sql.RowCountsAsync(db.Name), await Sql.RowCountsAsync(destination));
        Assert.Equal(await Sql.SchemaAsync(db.Name), await Sql.SchemaAsync(destination));

        // Verify and restore only read: the damaged copy is left for a person to look at, the good ones as they were.
        Assert.Equal(damaged, await _targets.SnapshotAsync());
    }

    [Theory]
    [InlineData(ThreeTargets.S3)]
    [InlineData(ThreeTargets.Azure)]
    public async Task A_missing_bucket_or_container_makes_the_backup_partial_and_the_error_names_it(string broken)
    {
        var (_, before) = await GoodBackupAsync();
        var missing = "missing-" + Guid.NewGuid().ToString("N")[..12];
        var options = _targets.WithTarget(broken, t =>
        {
            if (broken == ThreeTargets.S3) t.Bucket = missing;
            else t.Container = missing;
        });

        var result = await new DirectBackupRunner(_targets.Environment(options: options)).RunAsync(null, null);

        Assert.Equal(BackupRunStatus.Partial, result.Status);
        var failed = result.Copies.Single(c => c.Target == broken);
        Assert.False(failed.Uploaded);
        Assert.False(failed.Verified);
        Assert.Contains($"'{missing}'", failed.Error);
        Assert.Contains("does not exist", failed.Error);
        Assert.All(result.Copies.Where(c => c.Target != broken), c => Assert.True(c.Verified, c.Error));
        Assert.DoesNotContain(result.Manifest!.Copies, c => c.Target == broken);

        // Backups never create storage: the bucket or container is still missing.
        var backend = BackupTargetFactory.CreateBackend(options.Targets.Single(t => t.Name == broken));
        await Assert.ThrowsAsync<TargetConfigurationException>(async () => await backend.ListAsync("").GetAsyncEnumerator().MoveNextAsync());
        (backend as IDisposable)?.Dispose();
        await AssertOldObjectsUnchangedAsync(before);
    }

    [Fact]
    public async Task An_unreachable_S3_endpoint_leaves_the_other_targets_verified_and_the_backup_partial()
    {
        var (_, before) = await GoodBackupAsync();
        var options = _targets.WithTarget(ThreeTargets.S3, t => t.ServiceUrl = "http://127.0.0.1:1");
        var env = _targets.Environment(options: options);

        var result = await new DirectBackupRunner(env).RunAsync(null, null);

        Assert.Equal(BackupRunStatus.Partial, result.Status);
        var s3 = result.Copies.Single(c => c.Target == ThreeTargets.S3);
        Assert.False(s3.Uploaded);
        Assert.Contains("127.0.0.1:1", s3.Error);
        Assert.Contains("could not reach", s3.Error);
        Assert.All(result.Copies.Where(c => c.Target != ThreeTargets.S3), c => Assert.True(c.Verified, c.Error));

        // The partial backup is restorable from what the reachable targets hold.
        var catalog = await TargetCatalogReader.ReadAsync(_targets.Environment().Targets.Where(t => t.Name != ThreeTargets.S3), _targets.Environment().Keys);
        var entry = catalog.Resolve("latest");
        Assert.Equal(result.BackupId, entry.BackupId);
        Assert.Equal([ThreeTargets.Local, ThreeTargets.Azure], entry.VerifiedTargets);
        await AssertOldObjectsUnchangedAsync(before);
    }

    [Fact]
    public async Task An_unreachable_database_fails_with_a_clear_error_and_leaves_no_staging_file_or_object()
    {
        var (_, before) = await GoodBackupAsync();
        var options = _targets.WithTarget(ThreeTargets.Local, _ => { });
        var wrongPort = new NpgsqlConnectionStringBuilder(options.Source.ConnectionString) { Port = 1 };
        options.Source = new() { ConnectionString = wrongPort.ConnectionString, PgBinDirectory = TestServices.PgBin };

        var error = await Assert.ThrowsAnyAsync<PgOperationException>(() => new DirectBackupRunner(_targets.Environment(options: options)).RunAsync(null, null));

        Assert.Equal(PgFailureKind.Unreachable, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Contains(":1", error.Message);
        Assert.DoesNotContain(TestServices.PgPassword, error.Message);
        Assert.Empty(StagingLeftovers.In(options.StagingDirectory));
        Assert.Equal(before, await _targets.SnapshotAsync());
    }

    [Fact]
    public async Task A_pg_dump_failing_after_the_streamed_uploads_began_commits_no_object_at_any_target()
    {
        var (_, before) = await GoodBackupAsync();
        // 24 MB of incompressible output (three upload parts) then a failure: the uploads that follow
        // the staging file have sent parts by then, and must abort instead of committing.
        var bin = FakePgDump("head -c 24000000 /dev/urandom; sleep 1; echo 'pg_dump: error: simulated failure mid-dump' >&2; exit 1");
        var options = _targets.WithTarget(ThreeTargets.Local, _ => { });
        options.Source = new() { ConnectionString = options.Source.ConnectionString, PgBinDirectory = bin };
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAnyAsync<PgOperationException>(() =>
            new DirectBackupRunner(_targets.Environment(options: options)).RunAsync(null, null, progress));

        Assert.Contains("simulated failure mid-dump", error.Message);
        Assert.True(progress.MaxDumpBytes >= 16_000_000, $"only {progress.MaxDumpBytes} bytes were dumped before the failure");
        Assert.Equal(before, await _targets.SnapshotAsync());
        Assert.Empty(StagingLeftovers.In(options.StagingDirectory));
    }

    private sealed class RecordingProgress : IProgress<BackupProgress>
    {
        private long _max;
        public long MaxDumpBytes => Interlocked.Read(ref _max);

        public void Report(BackupProgress value)
        {
            if (value.Stage != "dump") return;
            long seen;
            while ((seen = Interlocked.Read(ref _max)) < value.Bytes && Interlocked.CompareExchange(ref _max, value.Bytes, seen) != seen) { }
        }
    }

    private static string FakePgDump(string body)
    {
        var bin = Directory.CreateTempSubdirectory("bf-fake-pgdump-").FullName;
        var script = Path.Combine(bin, "pg_dump");
        File.WriteAllText(script, "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo 'pg_dump (PostgreSQL) 15.99'; exit 0; fi\n" + body + "\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    /// <summary>A backup to all three targets, its catalog entry, and the snapshot of every stored object.</summary>
    private async Task<(CatalogEntry Entry, SortedDictionary<string, string> Snapshot)> GoodBackupAsync()
    {
        var env = _targets.Environment();
        var result = await new DirectBackupRunner(env).RunAsync(null, null);
        Assert.Equal(BackupRunStatus.Succeeded, result.Status);
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys)).Resolve(result.BackupId);
        var snapshot = await _targets.SnapshotAsync();
        Assert.Equal(6, snapshot.Count); // an artifact and a manifest in each target
        return (entry, snapshot);
    }

    private async Task AssertUnchangedAndStillGoodAsync(CatalogEntry entry, SortedDictionary<string, string> before)
    {
        Assert.Equal(before, await _targets.SnapshotAsync());
        var verify = await new VerifyRunner(_targets.Environment()).RunAsync(entry);
        Assert.True(verify.AllIntact, string.Join("; ", verify.Copies.Select(c => $"{c.Target}: {c.Error}")));
    }

    private async Task AssertOldObjectsUnchangedAsync(SortedDictionary<string, string> before)
    {
        var after = await _targets.SnapshotAsync();
        Assert.All(before, kv => Assert.Equal(kv.Value, after.GetValueOrDefault(kv.Key)));
    }

    private string NewDatabaseName()
    {
        var name = "wf_bad_" + Guid.NewGuid().ToString("N")[..16];
        _databasesToDrop.Add(name);
        return name;
    }
}
