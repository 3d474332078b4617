using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Tests.Pitr;

/// <summary>
/// WAL-aware retention on two real filesystem targets holding pushed segments and signed base manifests: older base
/// backups and the WAL before the oldest kept one's start go; the WAL a kept base backup needs, and history files, stay.
/// </summary>
public sealed class PitrRetentionTests : IDisposable
{
    private const string Cluster = "retained";
    private readonly string _root = Directory.CreateTempSubdirectory("bf-walret-").FullName;
    private readonly KeyRing _keys = new([KeyEncryptionKey.Generate("ret-key")], "ret-key");
    private readonly IBackupTarget _first;
    private readonly IBackupTarget _second;
    private readonly string[] _segments = Enumerable.Range(1, 6).Select(i => $"0000000100000000000000{i:X2}").ToArray();

    public PitrRetentionTests()
    {
        _first = Target("first");
        _second = Target("second");
    }

    [Fact]
    public async Task A_dry_run_lists_the_older_base_backup_and_the_wal_before_the_kept_ones_start_and_deletes_nothing()
    {
        await ArchiveAsync();
        var before = Files();

        var result = await new PitrRetention(Environment(keep: 1)).ApplyAsync(_first, dryRun: true);

        Assert.Null(result.Plan.Blocked);
        Assert.Equal(["base-2"], result.Plan.KeptBaseBackups);
        Assert.Equal(["base-1"], result.Plan.DeletableBaseBackups);
        Assert.Equal(_segments[3], result.Plan.WalCutoff);
        Assert.Equal(_segments[..3], result.Plan.DeletableWalFiles);
        Assert.Equal(0, result.WalFilesDeleted);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task Applying_it_deletes_exactly_the_plan_and_the_kept_base_backup_still_fetches_its_wal()
    {
        await ArchiveAsync();

        var result = await new PitrRetention(Environment(keep: 1)).ApplyAsync(_first, dryRun: false);

        Assert.Equal((1, 3), (result.BaseBackupsDeleted, result.WalFilesDeleted));
        var wal = Path.Combine(_root, "first", PitrKeys.WalPrefix(Cluster));
        foreach (var gone in _segments[..3])
        {
            Assert.False(File.Exists(Path.Combine(wal, gone + ".bfa")), gone);
            Assert.False(File.Exists(Path.Combine(wal, gone + ".json")), gone);
        }

        foreach (var kept in _segments[3..]) Assert.True(File.Exists(Path.Combine(wal, kept + ".json")), kept);
        Assert.True(File.Exists(Path.Combine(wal, "00000002.history.json")));
        Assert.False(File.Exists(Path.Combine(_root, "first", PitrKeys.BaseManifest(Cluster, "base-1"))));
        Assert.False(File.Exists(Path.Combine(_root, "first", PitrKeys.BaseArtifact(Cluster, "base-1"))));
        Assert.True(File.Exists(Path.Combine(_root, "first", PitrKeys.BaseManifest(Cluster, "base-2"))));
        // The other target is untouched: retention runs per target.
        Assert.True(File.Exists(Path.Combine(_root, "second", PitrKeys.WalRecord(Cluster, _segments[0]))));
        var fetch = await new WalFetcher(Environment(keep: 1), Path.Combine(_root, "cache")).FetchAsync(_segments[3], Path.Combine(_root, "out"));
        Assert.Equal("first", fetch.ServedBy);
    }

    [Fact]
    public async Task Keeping_both_base_backups_deletes_only_the_wal_before_the_older_ones_start()
    {
        await ArchiveAsync();

        var plan = await new PitrRetention(Environment(keep: 2)).PlanAsync(_first);

        Assert.Empty(plan.DeletableBaseBackups);
        Assert.Equal(_segments[1], plan.WalCutoff);
        Assert.Equal([_segments[0]], plan.DeletableWalFiles);
    }

    [Fact]
    public async Task A_base_manifest_that_does_not_verify_blocks_every_deletion_on_its_target()
    {
        await ArchiveAsync();
        var path = Path.Combine(_root, "first", PitrKeys.BaseManifest(Cluster, "base-2"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        json["timeline"] = 2;
        await File.WriteAllTextAsync(path, json.ToJsonString());
        var before = Files();

        var result = await new PitrRetention(Environment(keep: 1)).ApplyAsync(_first, dryRun: false);

        Assert.Contains("Retention skipped", result.Plan.Blocked);
        Assert.Contains("does not match its signature", result.Plan.Blocked);
        Assert.Equal(before, Files());
    }

    [Fact]
    public void The_planner_never_deletes_wal_a_kept_backup_on_a_later_timeline_or_a_history_file_needs()
    {
        BaseBackupManifest Base(string id, string start, int timeline, int minute) => new()
        {
            BackupId = id, Cluster = Cluster, StartLsn = "0/0", StartWalFile = start, Timeline = timeline,
            StartedAt = DateTimeOffset.UnixEpoch.AddMinutes(minute), CompletedAt = DateTimeOffset.UnixEpoch.AddMinutes(minute + 1),
            StoredSha256 = "", PlainSha256 = "", KeyId = "k", ArtifactKey = "",
        };
        string[] wal = ["000000010000000000000003", "000000010000000000000007", "000000020000000000000006", "000000020000000000000007",
            "000000020000000000000007.00000028.backup", "000000010000000000000006.partial", "00000002.history"];

        var plan = PitrRetentionPlanner.Plan("t", 1, [Base("old", "000000010000000000000002", 1, 0), Base("new", "000000020000000000000007", 2, 10)], wal, [], 16);

        Assert.Equal(["old"], plan.DeletableBaseBackups);
        Assert.Equal(["000000010000000000000003", "000000010000000000000006.partial", "000000020000000000000006"], plan.DeletableWalFiles);
        Assert.Equal(wal.Length - 3, plan.WalFilesKept);
        Assert.Throws<ArgumentOutOfRangeException>(() => PitrRetentionPlanner.Plan("t", 0, [], wal, [], 16));
    }

    /// <summary>Six segments and a history file pushed to both targets; base-1 starts at segment 2, base-2 (newer) at 4.</summary>
    private async Task ArchiveAsync()
    {
        var pusher = new WalPusher(Environment(keep: 1));
        foreach (var segment in _segments) Assert.True((await pusher.PushAsync(Write(segment, 64 << 10))).Succeeded);
        Assert.True((await pusher.PushAsync(Write("00000002.history", 40))).Succeeded);
        await WriteBaseAsync("base-1", _segments[1], minute: 0);
        await WriteBaseAsync("base-2", _segments[3], minute: 10);
    }

    private async Task WriteBaseAsync(string id, string startWalFile, int minute)
    {
        var manifest = new BaseBackupManifest
        {
            BackupId = id, Cluster = Cluster, StartLsn = "0/" + startWalFile[^2..] + "000028", StartWalFile = startWalFile, Timeline = 1,
            StartedAt = DateTimeOffset.UnixEpoch.AddMinutes(minute), CompletedAt = DateTimeOffset.UnixEpoch.AddMinutes(minute + 1),
            StoredSha256 = new string('a', 64), PlainSha256 = new string('b', 64), KeyId = "ret-key", ArtifactKey = PitrKeys.BaseArtifact(Cluster, id),
        };
        foreach (var target in new[] { _first, _second })
        {
            await target.PutAsync(PitrKeys.BaseArtifact(Cluster, id), new MemoryStream([1, 2, 3]), null, CancellationToken.None);
            await target.PutAsync(PitrKeys.BaseManifest(Cluster, id), new MemoryStream(PitrSignatures.Sign(manifest, _keys)), null, CancellationToken.None);
        }
    }

    private SortedSet<string> Files() => new(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
        .Where(f => !f.Contains(Path.Combine(_root, "pg_wal"), StringComparison.Ordinal)), StringComparer.Ordinal);

    private BackupEnvironment Environment(int keep) => new(new BackupFunctionsOptions
    {
        Pitr = new PitrOptions { Cluster = Cluster, PrefetchSegments = 0, KeepBaseBackups = keep },
    }, keys: _keys, targets: [_first, _second]);

    private IBackupTarget Target(string name) =>
        BackupTargetFactory.Create(new TargetOptions { Name = name, Type = TargetOptions.FileSystemType, Path = Path.Combine(_root, name) });

    private string Write(string name, int length)
    {
        var bytes = new byte[name.EndsWith(".history", StringComparison.Ordinal) ? length : 16 << 20];
        new Random(name.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes.AsSpan(0, length));
        var path = Path.Combine(_root, "pg_wal", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
