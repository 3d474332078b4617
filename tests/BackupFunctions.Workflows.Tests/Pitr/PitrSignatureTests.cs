using System.Text.Json.Nodes;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Tests.Pitr;

/// <summary>
/// WAL records and base manifests are signed like manifest.json v2: a record altered, stripped of its signature,
/// signed with another key or written for the other kind of record is refused on read, with a message that says so.
/// </summary>
public sealed class PitrSignatureTests : IDisposable
{
    private const string Cluster = "signed";
    private const string Segment = "000000010000000000000021";
    private readonly string _root = Directory.CreateTempSubdirectory("bf-walsig-").FullName;
    private readonly KeyRing _keys = new([KeyEncryptionKey.Generate("sig-key")], "sig-key");
    private readonly IBackupTarget _first;
    private readonly IBackupTarget _second;

    public PitrSignatureTests()
    {
        _first = Target("first");
        _second = Target("second");
    }

    [Fact]
    public async Task A_pushed_record_carries_a_signature_that_verifies_with_the_key()
    {
        await new WalPusher(Environment()).PushAsync(WriteSegment(Segment));

        var json = JsonNode.Parse(await File.ReadAllTextAsync(RecordPath("first")))!;
        Assert.Equal(WalSegmentRecord.CurrentVersion, (int)json["version"]!);
        Assert.Equal("sig-key", (string?)json["signature"]!["keyId"]);
        Assert.Equal(ManifestSignature.HmacSha256, (string?)json["signature"]!["algorithm"]);
        var record = await WalRecords.TryReadAsync(_first, Cluster, Segment, _keys, CancellationToken.None);
        Assert.Equal(Segment, record!.WalFile);
    }

    [Fact]
    public async Task Fetch_refuses_a_record_altered_in_every_target_and_says_it_was_altered()
    {
        await new WalPusher(Environment()).PushAsync(WriteSegment(Segment));
        // A plausible edit: a later archive time, which nothing but the signature covers.
        foreach (var target in new[] { "first", "second" })
            Edit(RecordPath(target), j => j["archivedAt"] = "2030-01-01T00:00:00+00:00");

        var failed = await Assert.ThrowsAsync<WalFetchFailedException>(() =>
            new WalFetcher(Environment(), Path.Combine(_root, "cache")).FetchAsync(Segment, Path.Combine(_root, "out")));

        Assert.Equal(2, failed.Errors.Count);
        Assert.All(failed.Errors, e => Assert.Contains("does not match its signature", e));
        Assert.False(File.Exists(Path.Combine(_root, "out")));
    }

    [Fact]
    public async Task Fetch_serves_the_good_copy_when_one_target_holds_an_unsigned_record()
    {
        var segment = WriteSegment(Segment);
        await new WalPusher(Environment()).PushAsync(segment);
        Edit(RecordPath("first"), j => j.AsObject().Remove("signature"));

        var fetch = await new WalFetcher(Environment(), Path.Combine(_root, "cache")).FetchAsync(Segment, Path.Combine(_root, "out"));

        Assert.Equal("second", fetch.ServedBy);
        Assert.Equal(await File.ReadAllBytesAsync(segment), await File.ReadAllBytesAsync(Path.Combine(_root, "out")));
        var e = await Assert.ThrowsAsync<InvalidManifestException>(() => WalRecords.TryReadAsync(_first, Cluster, Segment, _keys, CancellationToken.None));
        Assert.Contains("has no signature", e.Message);
        Assert.True(e.Forged);
    }

    [Fact]
    public async Task A_push_over_an_altered_record_fails_on_that_target_and_leaves_it_as_it_is()
    {
        var segment = WriteSegment(Segment);
        await new WalPusher(Environment()).PushAsync(segment);
        Edit(RecordPath("first"), j => j["plainBytes"] = 1);
        var altered = await File.ReadAllTextAsync(RecordPath("first"));

        var again = await new WalPusher(Environment()).PushAsync(segment);

        Assert.False(again.Succeeded);
        var first = again.Targets.Single(t => t.Target == "first");
        Assert.Equal(WalTargetStatus.Failed, first.Status);
        Assert.Contains("signature", first.Error);
        Assert.Equal(WalTargetStatus.AlreadyArchived, again.Targets.Single(t => t.Target == "second").Status);
        Assert.Equal(altered, await File.ReadAllTextAsync(RecordPath("first")));
    }

    [Fact]
    public void A_record_signed_with_a_key_the_ring_lacks_or_for_the_other_kind_is_refused()
    {
        var record = new WalSegmentRecord
        {
            WalFile = Segment, PlainBytes = 1, PlainSha256 = new string('a', 64), StoredBytes = 2, StoredSha256 = new string('b', 64),
            KeyId = "sig-key", Compression = CompressionKind.Zstd, ArchivedAt = DateTimeOffset.UnixEpoch,
        };
        var signed = PitrSignatures.Sign(record, _keys);
        Assert.Equal(record.PlainSha256, PitrSignatures.ReadWalRecord(signed, _keys, "the record").PlainSha256);

        var otherRing = new KeyRing([KeyEncryptionKey.Generate("sig-key")], "sig-key");
        var forged = Assert.Throws<InvalidManifestException>(() => PitrSignatures.ReadWalRecord(signed, otherRing, "the record"));
        Assert.Contains("does not match its signature", forged.Message);

        var unknown = Assert.Throws<InvalidManifestException>(() =>
            PitrSignatures.ReadWalRecord(signed, new KeyRing([KeyEncryptionKey.Generate("other")], "other"), "the record"));
        Assert.Contains("which the key ring does not hold", unknown.Message);

        // The same bytes presented as a base manifest: the HKDF purpose differs, so the MAC does too.
        var crossKind = Assert.Throws<InvalidManifestException>(() => RecordSigner.Verify(signed, _keys, PitrSignatures.BaseManifestPurpose, "the manifest"));
        Assert.Contains("does not match its signature", crossKind.Message);
    }

    [Fact]
    public async Task A_base_manifest_altered_in_one_target_is_skipped_and_altered_in_every_target_refuses_the_restore_listing()
    {
        var manifest = new BaseBackupManifest
        {
            BackupId = "base-20260101T000000Z", Cluster = Cluster, StartLsn = "0/2000028", StartWalFile = "000000010000000000000002", Timeline = 1,
            StartedAt = DateTimeOffset.UnixEpoch, CompletedAt = DateTimeOffset.UnixEpoch.AddMinutes(1), StoredSha256 = new string('c', 64),
            PlainSha256 = new string('d', 64), KeyId = "sig-key", ArtifactKey = PitrKeys.BaseArtifact(Cluster, "base-20260101T000000Z"),
        };
        var key = PitrKeys.BaseManifest(Cluster, manifest.BackupId);
        foreach (var target in new[] { _first, _second })
            await target.PutAsync(key, new MemoryStream(PitrSignatures.Sign(manifest, _keys)), null, CancellationToken.None);
        // Replay would start elsewhere: the kind of edit that makes a restore silently wrong.
        Edit(Path.Combine(_root, "first", key), j => j["startLsn"] = "0/1000028");

        var listed = await BaseBackupCatalog.ListAsync(Environment(), CancellationToken.None);
        Assert.Equal("0/2000028", Assert.Single(listed).StartLsn);

        Edit(Path.Combine(_root, "second", key), j => j["startLsn"] = "0/1000028");
        var e = await Assert.ThrowsAsync<PitrException>(() => BaseBackupCatalog.ListAsync(Environment(), CancellationToken.None));
        Assert.Contains("No usable base backup", e.Message);
        Assert.Contains("does not match its signature", e.Message);
    }

    private BackupEnvironment Environment() => new(new BackupFunctionsOptions
    {
        Pitr = new PitrOptions { Cluster = Cluster, PrefetchSegments = 0 },
    }, keys: _keys, targets: [_first, _second]);

    private IBackupTarget Target(string name) =>
        BackupTargetFactory.Create(new TargetOptions { Name = name, Type = TargetOptions.FileSystemType, Path = Path.Combine(_root, name) });

    private string RecordPath(string target) => Path.Combine(_root, target, PitrKeys.WalRecord(Cluster, Segment));

    private static void Edit(string path, Action<JsonNode> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        change(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private string WriteSegment(string name)
    {
        var bytes = new byte[16 << 20];
        new Random(21).NextBytes(bytes.AsSpan(0, 64 << 10));
        var path = Path.Combine(_root, "pg_wal", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
