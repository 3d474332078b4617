using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests;

/// <summary>The copies that stream while the dump runs, when a copy is slow to start (a loaded host, a slow handshake).</summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class DumpAndStreamTests(SampleDatabaseFixture sample)
{
    [Fact]
    public async Task A_copy_that_first_reads_after_the_dump_finished_still_streams_the_whole_artifact()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var local = BackupTargetFactory.CreateAll(targets.Options.Targets).Single(t => t.Name == ThreeTargets.Local);
        var late = new LateStartTarget(local);
        var env = new BackupEnvironment(targets.Options, targets: [late]);
        var request = new DumpRequest("20261205T000000Z-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow, sample.Name)
        {
            Kind = BackupKind.Full,
            StreamTo = [ThreeTargets.Local],
        };
        late.StartWhenDone = DumpToStaging.StagingPath(env, request.BackupId);

        var staged = await DumpAndStream.RunAsync(env, request, env.SelectTargets(request.StreamTo));

        Assert.True(late.StartedAfterTheDump, "the copy was meant to start reading only after the dump had finished");
        Assert.Equal([ThreeTargets.Local], staged.StreamedTo);
        var stored = await local.StatAsync(staged.Keys.Artifact);
        Assert.Equal(staged.Result.StoredBytes, stored?.Size);
        Assert.True(File.Exists(staged.StagingPath), "the finished staging file has its final name");
        Assert.False(File.Exists(staged.StagingPath + ".partial"));
    }

    [Fact]
    public async Task A_filesystem_copy_asked_to_read_back_reports_the_artifacts_hash_and_a_cloud_copy_nothing()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment();
        var request = new DumpRequest("20261206T000000Z-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow, sample.Name) { Kind = BackupKind.Full };

        var staged = await DumpAndStream.RunAsync(env, request, env.SelectTargets(null), readBack: true);

        Assert.Equal(3, staged.StreamedTo.Count);
        var read = Assert.Single(staged.StreamedReadBack);
        Assert.Equal(ThreeTargets.Local, read.Key);
        Assert.Equal(new StoredHash(staged.Keys.Artifact, staged.Result.StoredBytes, staged.Result.StoredSha256), read.Value);
        var verified = await VerifyCopy.RunAsync(env.SelectTargets([ThreeTargets.Local]).Single(), CopyOutcome.Streamed(staged, ThreeTargets.Local),
            staged.Result.StoredSha256);
        Assert.True(verified.Verified);
        Assert.Equal(TimeSpan.Zero, verified.Duration);
    }

    [Fact]
    public async Task No_copy_is_committed_before_the_check_beside_the_dump_passed()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment();
        var request = Request(sample.Name);
        var key = DumpToStaging.KeysFor(env, request).Artifact;
        var seenAtTheCheck = new List<TargetObjectInfo?>();

        var staged = await DumpAndStream.RunAsync(env, request, env.SelectTargets(request.StreamTo), beforeCommit: async ct =>
        {
            foreach (var t in env.Targets) seenAtTheCheck.Add(await t.StatAsync(key, ct));
        });

        Assert.Equal(3, seenAtTheCheck.Count);
        Assert.All(seenAtTheCheck, Assert.Null);
        Assert.Equal([ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure], staged.StreamedTo);
        foreach (var t in env.Targets) Assert.Equal(staged.Result.StoredBytes, (await t.StatAsync(key))?.Size);
    }

    [Fact]
    public async Task A_refusal_after_the_dump_wrote_everything_leaves_nothing_on_any_target_nor_in_staging()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment();
        var request = Request(sample.Name);
        var refusal = new InvalidOperationException("refused by the check beside the dump");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            DumpAndStream.RunAsync(env, request, env.SelectTargets(request.StreamTo), beforeCommit: async _ =>
            {
                await Task.Yield();
                throw refusal;
            }));

        Assert.Same(refusal, thrown);
        foreach (var t in env.Targets)
        {
            var left = new List<string>();
            await foreach (var o in t.ListAsync("")) left.Add(o.Key);
            Assert.Empty(left);
        }

        var staging = DumpToStaging.StagingPath(env, request.BackupId);
        Assert.False(File.Exists(staging));
        Assert.False(File.Exists(staging + ".partial"));
    }

    private static DumpRequest Request(string database) =>
        new("20261206T000000Z-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow, database)
        {
            Kind = BackupKind.Full,
            StreamTo = [ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure],
        };

    /// <summary>Holds each put back until the dump has written everything it will write (its file stopped growing).</summary>
    private sealed class LateStartTarget(IBackupTarget inner) : IBackupTarget
    {
        public string StartWhenDone { get; set; } = "";

        public bool StartedAfterTheDump { get; private set; }

        public string Name => inner.Name;

        public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
        {
            StartedAfterTheDump = await WaitForTheDumpAsync(ct);
            return await inner.PutAsync(key, content, options, ct);
        }

        private async Task<bool> WaitForTheDumpAsync(CancellationToken ct)
        {
            var partial = StartWhenDone + ".partial";
            long last = -1;
            var stableSince = DateTime.UtcNow;
            for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline;)
            {
                if (File.Exists(StartWhenDone))
                {
                    return true;
                }

                var length = File.Exists(partial) ? new FileInfo(partial).Length : -1;
                if (length != last)
                {
                    (last, stableSince) = (length, DateTime.UtcNow);
                }
                else if (length > 0 && DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(3))
                {
                    return true; // the writer stopped: the dump is over, only the readers hold the file open
                }

                await Task.Delay(100, ct);
            }

            return false;
        }

        public Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default) => inner.OpenReadAsync(key, range, ct);

        public Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default) => inner.StatAsync(key, ct);

        public IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, CancellationToken ct = default) => inner.ListAsync(prefix, ct);

        public Task DeleteAsync(string key, CancellationToken ct = default) => inner.DeleteAsync(key, ct);
    }
}
