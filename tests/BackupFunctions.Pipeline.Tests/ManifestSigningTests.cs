using System.Text;
using System.Text.Json.Nodes;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>Signed manifests: what verifies, what is refused as forged, and how malformed ones fail (always InvalidManifestException).</summary>
public class ManifestSigningTests
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("k1", 7), makeCurrent: true);

    internal static BackupManifest Sample => new()
    {
        BackupId = "20261127T020000Z-0a1b2c3d",
        Kind = BackupKind.Full,
        Database = "shop",
        CreatedAt = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero),
        StoredBytes = 1234,
        StoredSha256 = new string('a', 64),
        PlainSha256 = new string('b', 64),
        KeyId = "k1",
        FormatVersion = ArtifactHeader.CurrentVersion,
        RowCounts = new Dictionary<string, long> { ["sales.orders"] = 3, ["auth.users"] = 2 },
        ArtifactKey = "backups/shop/2026/11/27/20261127T020000Z-0a1b2c3d/artifact.bfa",
        Copies = [new TargetCopy("s3", "backups/shop/2026/11/27/20261127T020000Z-0a1b2c3d/artifact.bfa", true)],
    };

    private static JsonObject Signed() => JsonNode.Parse(ManifestSigner.SignToUtf8Bytes(Sample, Ring))!.AsObject();

    private static TrustedManifest Read(JsonNode node) => ManifestReader.Read(Encoding.UTF8.GetBytes(node.ToJsonString()), Ring);

    [Fact]
    public void A_signed_manifest_reads_as_signed_whatever_its_layout()
    {
        var bytes = ManifestSigner.SignToUtf8Bytes(Sample, Ring);
        var read = ManifestReader.Read(bytes, Ring);
        Assert.Equal(ManifestTrust.Signed, read.Trust);
        Assert.Equal(3, read.Manifest.RowCounts["sales.orders"]);
        Assert.Equal("k1", read.Manifest.Signature!.KeyId);
        Assert.Equal(BackupManifest.CurrentManifestVersion, read.Manifest.ManifestVersion);

        // Same content, members reversed and compact: still the same signed document.
        var node = Signed();
        var reversed = new JsonObject(node.Reverse().Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        Assert.Equal(ManifestTrust.Signed, Read(reversed).Trust);
    }

    [Theory]
    [InlineData("rowCounts", "sales.orders", 4)]
    [InlineData("storedBytes", null, 1235)]
    [InlineData("database", null, "other")]
    public void An_edited_field_is_refused_as_forged(string field, string? inner, object value)
    {
        var node = Signed();
        JsonNode newValue = value switch { int i => JsonValue.Create(i), string s => JsonValue.Create(s), _ => throw new ArgumentException() };
        if (inner is null) node[field] = newValue;
        else node[field]![inner] = newValue;

        var e = Assert.Throws<InvalidManifestException>(() => Read(node));
        Assert.True(e.Forged);
        Assert.Contains("signature does not verify", e.Message);
    }

    [Fact]
    public void A_field_added_by_someone_else_breaks_the_signature()
    {
        var node = Signed();
        node["note"] = "harmless?";
        Assert.True(Assert.Throws<InvalidManifestException>(() => Read(node)).Forged);
    }

    [Fact]
    public void A_removed_signature_is_refused_as_forged_and_a_downgrade_to_version_1_is_too()
    {
        var node = Signed();
        node.Remove("signature");
        var e = Assert.Throws<InvalidManifestException>(() => Read(node));
        Assert.True(e.Forged);
        Assert.Contains("signature was removed", e.Message);

        node["manifestVersion"] = 1; // formatVersion still says 2: an artifact format that is always signed
        Assert.True(Assert.Throws<InvalidManifestException>(() => Read(node)).Forged);
    }

    [Fact]
    public void An_old_unsigned_manifest_reads_as_unsigned()
    {
        var old = Sample with { ManifestVersion = 1, FormatVersion = 1 };
        var read = ManifestReader.Read(ManifestSerializer.SerializeToUtf8Bytes(old), Ring);
        Assert.Equal(ManifestTrust.Unsigned, read.Trust);
        Assert.False(read.Signed);
    }

    [Fact]
    public void A_signature_by_another_key_under_the_same_id_is_forged_and_an_unknown_key_is_named()
    {
        var impostor = new KeyRing().Add(TestKeys.Fixed("k1", 8), makeCurrent: true);
        var forged = ManifestSigner.SignToUtf8Bytes(Sample, impostor);
        Assert.True(Assert.Throws<InvalidManifestException>(() => ManifestReader.Read(forged, Ring)).Forged);

        var other = new KeyRing().Add(TestKeys.Fixed("k2", 9), makeCurrent: true);
        var e = Assert.Throws<InvalidManifestException>(() => ManifestReader.Read(ManifestSigner.SignToUtf8Bytes(Sample with { KeyId = "k2" }, other), Ring));
        Assert.Contains("'k2'", e.Message);
        Assert.Contains("does not hold", e.Message);
    }

    [Theory]
    [InlineData("rowCounts", "null")]
    [InlineData("copies", "null")]
    [InlineData("copies", "[null]")]
    [InlineData("storedSha256", "null")]
    [InlineData("storedSha256", "\"ABC\"")]
    [InlineData("plainSha256", "\"zz\"")]
    [InlineData("backupId", "\"../../etc\"")]
    [InlineData("keyId", "\"\"")]
    [InlineData("chunkSize", "1")]
    [InlineData("formatVersion", "9")]
    [InlineData("storedBytes", "-1")]
    [InlineData("storedBytes", "\"many\"")]
    [InlineData("kind", "\"weekly\"")]
    [InlineData("rowCounts", "{\"t\": -5}")]
    [InlineData("createdAt", "\"yesterday\"")]
    [InlineData("globalsArtifact", "\"not base64!\"")]
    public void A_malformed_field_is_a_clear_InvalidManifestException(string field, string json)
    {
        // Unsigned version-1 documents, so that the validation (not the signature) is what refuses them.
        var node = JsonNode.Parse(ManifestSerializer.SerializeToUtf8Bytes(Sample with { ManifestVersion = 1, FormatVersion = 1 }))!.AsObject();
        node[field] = JsonNode.Parse(json);

        var e = Assert.Throws<InvalidManifestException>(() => Read(node));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void A_field_given_twice_and_a_huge_document_are_refused()
    {
        var json = Encoding.UTF8.GetString(ManifestSerializer.SerializeToUtf8Bytes(Sample with { ManifestVersion = 1, FormatVersion = 1 }));
        var twice = json.Replace("\"kind\": \"full\",", "\"kind\": \"full\", \"kind\": \"files\",", StringComparison.Ordinal);
        Assert.Throws<InvalidManifestException>(() => ManifestReader.Read(Encoding.UTF8.GetBytes(twice), Ring));

        var huge = new byte[ManifestReader.MaxBytes + 1];
        Assert.Throws<InvalidManifestException>(() => ManifestReader.Read(huge, Ring));
    }
}
