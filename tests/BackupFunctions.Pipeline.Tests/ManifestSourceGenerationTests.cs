using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// The manifest is (de)serialized by generated code since issue 17's session 10; the bytes must be those the
/// reflection-based serializer wrote with the same options, because signatures and older readers depend on them.
/// </summary>
public sealed class ManifestSourceGenerationTests
{
    private static readonly JsonSerializerOptions Reflection = new(ManifestSerializer.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static BackupManifest EveryField => new()
    {
        BackupId = "20261206T061800Z-0a1b2c3d",
        Kind = BackupKind.Full,
        Database = "shop \"eu\" é",
        TenantId = "t-1",
        ServerVersion = "15.18 (Debian 15.18-1)",
        ServerVersionNum = 150018,
        PgDumpVersion = "pg_dump (PostgreSQL) 15.18",
        CreatedAt = new DateTimeOffset(2026, 12, 6, 6, 18, 0, 123, TimeSpan.FromHours(1)),
        CompletedAt = new DateTimeOffset(2026, 12, 6, 6, 19, 0, TimeSpan.Zero),
        RawBytes = 1L << 40,
        CompressedBytes = 12345,
        StoredBytes = 12400,
        StoredSha256 = new string('a', 64),
        PlainSha256 = new string('b', 64),
        Compression = CompressionKind.Zstd,
        CompressionLevel = 3,
        KeyId = "kek-1",
        DumpFormat = "directory",
        DumpJobs = 4,
        TableDataBytes = new Dictionary<string, long> { ["a.first"] = 1 << 20 },
        RowCounts = new Dictionary<string, long> { ["z.last"] = 1, ["a.first"] = 9_000_000_000 },
        ArtifactKey = "backups/shop/artifact.bfa",
        Copies = [new TargetCopy("s3", "backups/shop/artifact.bfa", true, new DateTimeOffset(2026, 12, 6, 6, 19, 30, TimeSpan.Zero)), new TargetCopy("local", "k")],
        OrchestrationInstanceId = "run-1",
        GlobalsArtifact = "QUJD",
        GlobalsSha256 = new string('c', 64),
        Signature = new ManifestSignature("kek-1", ManifestSignature.HmacSha256, "c2ln"),
    };

    [Fact]
    public void Writes_the_same_bytes_as_the_reflection_serializer()
    {
        var manifest = EveryField;
        var expected = JsonSerializer.SerializeToUtf8Bytes(manifest with { RowCounts = new SortedDictionary<string, long>(manifest.RowCounts.ToDictionary(), StringComparer.Ordinal) }, Reflection);

        Assert.Equal(expected, ManifestSerializer.SerializeToUtf8Bytes(manifest));
    }

    [Fact]
    public void Reads_what_the_reflection_serializer_wrote_into_an_equal_manifest()
    {
        var written = JsonSerializer.SerializeToUtf8Bytes(EveryField, Reflection);

        var read = ManifestSerializer.Deserialize(written);

        Assert.Equal(ManifestSerializer.SerializeToUtf8Bytes(EveryField), ManifestSerializer.SerializeToUtf8Bytes(read));
        Assert.Equal(JsonSerializer.Deserialize<BackupManifest>(written, Reflection)!.Copies, read.Copies);
    }

    [Fact]
    public void Refuses_what_the_reflection_serializer_refuses()
    {
        // A null where the type says never-null, an integer enum and a duplicate field: format errors, not values.
        string[] bad =
        [
            """{"backupId":"x","kind":"full","createdAt":"2026-12-06T00:00:00Z","storedSha256":"a","plainSha256":"b","keyId":"k","artifactKey":"a","rowCounts":null}""",
            """{"backupId":"x","kind":0,"createdAt":"2026-12-06T00:00:00Z","storedSha256":"a","plainSha256":"b","keyId":"k","artifactKey":"a"}""",
            """{"backupId":"x","backupId":"y","kind":"full","createdAt":"2026-12-06T00:00:00Z","storedSha256":"a","plainSha256":"b","keyId":"k","artifactKey":"a"}""",
        ];
        foreach (var json in bad)
        {
            Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<BackupManifest>(json, Reflection));
            Assert.Throws<FormatException>(() => ManifestSerializer.Deserialize(json));
        }
    }
}
