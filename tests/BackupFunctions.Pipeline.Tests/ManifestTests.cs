using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Pipeline.Tests;

public class ManifestTests
{
    private static BackupManifest Sample => new()
    {
        BackupId = "20261127T020000Z-0a1b2c3d",
        Kind = BackupKind.Tenant,
        Database = "shop",
        TenantId = "42",
        CreatedAt = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero),
        StoredSha256 = new string('a', 64),
        PlainSha256 = new string('b', 64),
        KeyId = "k1",
        Compression = CompressionKind.Gzip,
        CompressionLevel = 6,
        RowCounts = new Dictionary<string, long> { ["sales.orders"] = 3, ["auth.users"] = 2 },
        ArtifactKey = "backups/shop/2026/11/27/20261127T020000Z-0a1b2c3d/artifact.bfa",
        Copies = [new TargetCopy("s3", "backups/shop/2026/11/27/20261127T020000Z-0a1b2c3d/artifact.bfa")],
        OrchestrationInstanceId = null,
    };

    [Fact]
    public void SerializesCamelCaseWithStringEnumsAndSortedCounts()
    {
        var json = ManifestSerializer.Serialize(Sample);
        Assert.Contains("\"manifestVersion\": 2", json);
        Assert.Contains("\"kind\": \"tenant\"", json);
        Assert.Contains("\"compression\": \"gzip\"", json);
        Assert.Contains("\"orchestrationInstanceId\": null", json);
        Assert.True(json.IndexOf("auth.users", StringComparison.Ordinal) < json.IndexOf("sales.orders", StringComparison.Ordinal));
        var back = ManifestSerializer.Deserialize(json);
        Assert.Equal(json, ManifestSerializer.Serialize(back));
        Assert.Equal(3, back.RowCounts["sales.orders"]);
        Assert.False(back.Copies[0].Verified);
    }

    [Fact]
    public void RejectsNewerVersionsAndGarbage()
    {
        var json = ManifestSerializer.Serialize(Sample with { ManifestVersion = 99 });
        var e = Assert.Throws<FormatException>(() => ManifestSerializer.Deserialize(json));
        Assert.Contains("99", e.Message);
        Assert.Throws<FormatException>(() => ManifestSerializer.Deserialize("{ not json"));
        Assert.Throws<FormatException>(() => ManifestSerializer.Deserialize("{\"backupId\":\"x\"}"));
    }

    [Fact]
    public void ObjectKeysAreDeterministicAndSafe()
    {
        var at = new DateTimeOffset(2026, 1, 2, 23, 30, 0, TimeSpan.FromHours(-3)); // 2026-01-03 02:30 UTC
        var k = ObjectKeys.For("shop", at, "b1");
        Assert.Equal("backups/shop/2026/01/03/b1/artifact.bfa", k.Artifact);
        Assert.Equal("backups/shop/2026/01/03/b1/manifest.json", k.Manifest);
        Assert.Equal(k, ObjectKeys.For("shop", at, "b1"));
        Assert.True(ObjectKeys.IsManifestKey(k.Manifest));
        Assert.Equal("backups/a%2Fb%20c/", ObjectKeys.DatabasePrefix("a/b c"));
        Assert.Equal("%2E.", ObjectKeys.EncodeSegment("..")); // never "." or ".."
        Assert.Throws<ArgumentException>(() => ObjectKeys.For("shop", at, "../x"));
        var id = ObjectKeys.NewBackupId(at);
        Assert.StartsWith("20260103T023000Z-", id);
        ObjectKeys.ValidateBackupId(id);
        Assert.Equal("backups/_globals/2026/11/27/20261127T020000Z-0a1b2c3d/manifest.json",
            ObjectKeys.For(Sample with { Kind = BackupKind.Globals, Database = null }).Manifest);
    }
}
