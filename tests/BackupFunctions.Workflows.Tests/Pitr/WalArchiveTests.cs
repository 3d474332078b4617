using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Pitr;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Pitr;

/// <summary>wal push and wal fetch against two real filesystem targets (one of them with injected faults).</summary>
public sealed class WalArchiveTests : IDisposable
{
    private const string Cluster = "unit";
    private readonly string _root = Directory.CreateTempSubdirectory("bf-wal-").FullName;
    private readonly KeyRing _keys = new([KeyEncryptionKey.Generate("wal-key")], "wal-key");
    private readonly FaultyTarget _first;
    private readonly IBackupTarget _second;

    public WalArchiveTests()
    {
        _first = new FaultyTarget(Target("first"));
        _second = Target("second");
    }

    [Fact]
    public async Task A_pushed_segment_is_on_every_target_and_fetches_back_byte_for_byte()
    {
        var segment = WriteSegment("000000010000000000000003", seed: 1);

        var push = await new WalPusher(Environment()).PushAsync(segment);

        Assert.True(push.Succeeded);
        Assert.Equal([WalTargetStatus.Stored, WalTargetStatus.Stored], push.Targets.Select(t => t.Status));
        Assert.True(push.StoredBytes < push.PlainBytes, "a mostly-zero segment compresses");
        var fetched = Path.Combine(_root, "fetched");
        var fetch = await new WalFetcher(Environment(), Path.Combine(_root, "cache")).FetchAsync("000000010000000000000003", fetched);
        Assert.Equal("first", fetch.ServedBy);
        Assert.Equal(await File.ReadAllBytesAsync(segment), await File.ReadAllBytesAsync(fetched));
    }

    [Fact]
    public async Task The_same_segment_again_is_a_success_and_different_bytes_under_its_name_are_a_conflict_that_writes_nothing()
    {
        var segment = WriteSegment("000000010000000000000004", seed: 2);
        await new WalPusher(Environment()).PushAsync(segment);
        var puts = _first.Puts.Count;

        var again = await new WalPusher(Environment()).PushAsync(segment);
        Assert.True(again.Succeeded);
        Assert.All(again.Targets, t => Assert.Equal(WalTargetStatus.AlreadyArchived, t.Status));
        Assert.Equal(puts, _first.Puts.Count);

        WriteSegment("000000010000000000000004", seed: 3);
        var conflict = await new WalPusher(Environment()).PushAsync(segment);
        Assert.False(conflict.Succeeded);
        Assert.True(conflict.HasConflict);
        Assert.Contains("different 000000010000000000000004", conflict.Targets[0].Error);
        Assert.Equal(puts, _first.Puts.Count);
    }

    [Fact]
    public async Task A_failing_target_makes_the_push_fail_unless_fewer_durable_copies_are_required()
    {
        _first.FailPut = (_, _) => _first.Permanent();
        var segment = WriteSegment("000000010000000000000005", seed: 4);

        var all = await new WalPusher(Environment()).PushAsync(segment);
        Assert.False(all.Succeeded);
        Assert.Equal(1, all.DurableCopies);
        Assert.Equal(2, all.Required);
        Assert.Contains("access denied", all.Targets[0].Error);

        var one = await new WalPusher(Environment(minCopies: 1)).PushAsync(segment);
        Assert.True(one.Succeeded);
        Assert.Equal(WalTargetStatus.AlreadyArchived, one.Targets[1].Status);
    }

    [Fact]
    public async Task Fetch_prefetches_the_following_segments_and_serves_them_from_the_cache()
    {
        foreach (var (name, seed) in new[] { ("0000000100000000000000FE", 5), ("0000000100000000000000FF", 6), ("000000010000000100000000", 7) })
            await new WalPusher(Environment()).PushAsync(WriteSegment(name, seed));
        var cache = Path.Combine(_root, "cache");

        var first = await new WalFetcher(Environment(), cache).FetchAsync("0000000100000000000000FE", Path.Combine(_root, "a"));
        Assert.Equal(2, first.Prefetched);
        var readsAfterFirst = _first.Reads.Count;
        var second = await new WalFetcher(Environment(), cache).FetchAsync("0000000100000000000000FF", Path.Combine(_root, "b"));

        Assert.Equal("cache", second.ServedBy);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_root, "pg_wal", "0000000100000000000000FF")), await File.ReadAllBytesAsync(Path.Combine(_root, "b")));
        Assert.DoesNotContain(_first.Reads.Skip(readsAfterFirst), k => k.Contains("0000000100000000000000FF"));
        Assert.False(File.Exists(Path.Combine(cache, "0000000100000000000000FF")));
    }

    [Fact]
    public async Task Fetch_falls_back_to_the_next_target_when_the_first_holds_the_wrong_file_and_fails_when_none_is_good()
    {
        await new WalPusher(Environment()).PushAsync(WriteSegment("000000010000000000000010", seed: 8));
        await new WalPusher(Environment()).PushAsync(WriteSegment("000000010000000000000011", seed: 9));
        var wal = Path.Combine(_root, "first", PitrKeys.WalPrefix(Cluster));
        File.Copy(Path.Combine(wal, "000000010000000000000011.bfa"), Path.Combine(wal, "000000010000000000000010.bfa"), overwrite: true);

        var fetch = await new WalFetcher(Environment(prefetch: 0), Path.Combine(_root, "cache")).FetchAsync("000000010000000000000010", Path.Combine(_root, "x"));
        Assert.Equal("second", fetch.ServedBy);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_root, "pg_wal", "000000010000000000000010")), await File.ReadAllBytesAsync(Path.Combine(_root, "x")));

        var wal2 = Path.Combine(_root, "second", PitrKeys.WalPrefix(Cluster));
        File.Copy(Path.Combine(wal2, "000000010000000000000011.bfa"), Path.Combine(wal2, "000000010000000000000010.bfa"), overwrite: true);
        var failed = await Assert.ThrowsAsync<WalFetchFailedException>(() =>
            new WalFetcher(Environment(prefetch: 0), Path.Combine(_root, "cache")).FetchAsync("000000010000000000000010", Path.Combine(_root, "y")));
        Assert.Equal(2, failed.Errors.Count);
        Assert.False(File.Exists(Path.Combine(_root, "y")));
    }

    [Fact]
    public async Task A_segment_no_target_holds_is_not_archived_and_a_bad_name_is_refused()
    {
        await Assert.ThrowsAsync<WalNotArchivedException>(() =>
            new WalFetcher(Environment(), Path.Combine(_root, "cache")).FetchAsync("000000010000000000000099", Path.Combine(_root, "z")));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            new WalFetcher(Environment(), Path.Combine(_root, "cache")).FetchAsync("../etc/passwd", Path.Combine(_root, "z")));
        var bad = Path.Combine(_root, "not-a-wal-file");
        await File.WriteAllTextAsync(bad, "x");
        await Assert.ThrowsAsync<ArgumentException>(() => new WalPusher(Environment()).PushAsync(bad));
    }

    private BackupEnvironment Environment(int? minCopies = null, int prefetch = 4) => new(new BackupFunctionsOptions
    {
        Pitr = new PitrOptions { Cluster = Cluster, MinDurableCopies = minCopies, PrefetchSegments = prefetch },
    }, keys: _keys, targets: [_first, _second]);

    private IBackupTarget Target(string name) =>
        BackupTargetFactory.Create(new TargetOptions { Name = name, Type = TargetOptions.FileSystemType, Path = Path.Combine(_root, name) });

    /// <summary>A 16 MiB file like a WAL segment: mostly zeros, with some random records at the start.</summary>
    private string WriteSegment(string name, int seed)
    {
        var bytes = new byte[16 << 20];
        new Random(seed).NextBytes(bytes.AsSpan(0, 256 << 10));
        var path = Path.Combine(_root, "pg_wal", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
