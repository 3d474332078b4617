using System.Security.Cryptography;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Artifacts altered by someone with write access to a target but without the key: replayed chunks,
/// an identity edited in the header, an older artifact presented as a newer backup (rolled back).
/// (Bit flips, truncation, reordering, splicing and wrong keys: <see cref="EnvelopeTests"/>.)
/// </summary>
public class HostileArtifactTests
{
    private const int Chunk = 256;
    private static readonly KeyEncryptionKey Kek = TestKeys.Fixed("k1", 7);
    private static readonly KeyRing Ring = new KeyRing().Add(Kek, makeCurrent: true);
    private static readonly ArtifactIdentity Monday = new("20261130T020000Z-aaaaaaaa", "shop", new DateTimeOffset(2026, 11, 30, 2, 0, 0, 123, TimeSpan.Zero));
    private static readonly ArtifactIdentity Tuesday = new("20261201T020000Z-bbbbbbbb", "shop", new DateTimeOffset(2026, 12, 1, 2, 0, 0, 456, TimeSpan.Zero));

    internal static byte[] Encrypt(byte[] plain, ArtifactIdentity? identity, KeyEncryptionKey? kek = null)
    {
        using var ms = new MemoryStream();
        using (var w = new ArtifactWriter(ms, kek ?? Kek, CompressionKind.None, 0, Chunk, identity: identity))
        {
            w.Write(plain);
            w.CompleteAsync().GetAwaiter().GetResult();
        }
        return ms.ToArray();
    }

    private static ArtifactExpectation Expect(ArtifactIdentity identity) => new(identity, ArtifactHeader.CurrentVersion, "k1");

    private static async Task<byte[]> DecryptAsync(byte[] artifact, ArtifactExpectation? expected)
    {
        await using var r = await ArtifactReader.OpenAsync(new MemoryStream(artifact), Ring, expected: expected);
        using var output = new MemoryStream();
        await r.CopyToAsync(output);
        return output.ToArray();
    }

    [Fact]
    public async Task The_header_binds_the_backup_id_database_and_creation_time()
    {
        var plain = TestKeys.Data(Chunk * 2 + 5);
        var artifact = Encrypt(plain, Monday);

        await using (var r = await ArtifactReader.OpenAsync(new MemoryStream(artifact), Ring))
        {
            Assert.Equal(2, r.Header.Version);
            Assert.Equal(Monday.BackupId, r.Header.Identity!.BackupId);
            Assert.Equal("shop", r.Header.Identity.Database);
            Assert.Equal(Monday.CreatedAt, r.Header.Identity.CreatedAt);
        }

        Assert.Equal(plain, await DecryptAsync(artifact, Expect(Monday)));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("database")]
    [InlineData("time")]
    [InlineData("format")]
    [InlineData("key")]
    public async Task A_manifest_that_describes_another_backup_is_refused_before_any_plaintext(string differs)
    {
        var artifact = Encrypt(TestKeys.Data(Chunk * 3), Monday);
        var expected = differs switch
        {
            "id" => Expect(Monday with { BackupId = Tuesday.BackupId }),
            "database" => Expect(Monday with { Database = "billing" }),
            "time" => Expect(Monday with { CreatedAt = Monday.CreatedAt.AddMilliseconds(1) }),
            "format" => Expect(Monday) with { FormatVersion = 1 },
            _ => Expect(Monday) with { KeyId = "k0" },
        };

        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(artifact, expected));
        Assert.Matches("forged|rolled back", e.Message);
    }

    [Fact]
    public async Task An_older_artifact_copied_under_a_newer_id_is_detected_as_rolled_back()
    {
        // Monday's genuine artifact, stored where Tuesday's backup should be, with Tuesday's manifest (even a genuine one).
        var mondays = Encrypt(TestKeys.Data(Chunk * 2), Monday);
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(mondays, Expect(Tuesday)));
        Assert.Contains(Monday.BackupId, e.Message);
        Assert.Contains(Tuesday.BackupId, e.Message);
    }

    [Fact]
    public async Task An_identity_edited_in_the_header_fails_even_with_the_header_hash_recomputed()
    {
        var artifact = Encrypt(TestKeys.Data(Chunk * 2), Monday);
        var at = 25 + artifact[24] + 1; // first byte of the backup id
        Assert.Equal((byte)'0', artifact[at + 7]);
        artifact[at + 7] = (byte)'1'; // 20261130... → 20261131...: another id of the same length
        var h = ArtifactBytes.HeaderLength(artifact);
        SHA256.HashData(artifact.AsSpan(0, h - 32), artifact.AsSpan(h - 32, 32));

        // The identity is part of the key wrap's associated data: the unwrap itself fails.
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(artifact, null));
        Assert.Contains("tampered", e.Message);
    }

    [Fact]
    public async Task A_replayed_chunk_is_detected()
    {
        var artifact = Encrypt(TestKeys.Data(Chunk * 3 + 10), Monday);
        var h = ArtifactBytes.HeaderLength(artifact);
        var size = Chunk + ArtifactHeader.TagSize;
        // Chunk 0 again in place of chunk 1 (a replay within the artifact), and chunk 0 appended twice over.
        var replayed = (byte[])artifact.Clone();
        artifact.AsSpan(h, size).CopyTo(replayed.AsSpan(h + size));
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(replayed, Expect(Monday)));
        Assert.Contains("Chunk 1", e.Message);

        byte[] doubled = [.. artifact.AsSpan(0, h + size), .. artifact.AsSpan(h, size), .. artifact.AsSpan(h + size)];
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(doubled, Expect(Monday)));
    }

    [Fact]
    public async Task A_chunk_replayed_from_another_backup_under_the_same_key_is_detected()
    {
        var monday = Encrypt(TestKeys.Data(Chunk * 2 + 1, 1), Monday);
        var tuesday = Encrypt(TestKeys.Data(Chunk * 2 + 1, 2), Tuesday);
        var h = ArtifactBytes.HeaderLength(tuesday);
        var spliced = (byte[])tuesday.Clone();
        monday.AsSpan(ArtifactBytes.HeaderLength(monday), Chunk + ArtifactHeader.TagSize).CopyTo(spliced.AsSpan(h));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(spliced, Expect(Tuesday)));
    }

    [Fact]
    public async Task A_version_2_artifact_without_an_identity_is_refused_where_a_manifest_expects_one()
    {
        var loose = Encrypt(TestKeys.Data(100), identity: null);
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(loose, Expect(Monday)));
        Assert.Contains("no backup identity", e.Message);
    }

    [Fact]
    public async Task A_wrong_key_is_a_WrongKeyException_not_a_forgery()
    {
        var artifact = Encrypt(TestKeys.Data(100), Monday, TestKeys.Fixed("k1", 99));
        await Assert.ThrowsAsync<WrongKeyException>(() => DecryptAsync(artifact, Expect(Monday)));
    }
}
