using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Tests;

public class EnvelopeTests
{
    private const int Chunk = 256;
    private static readonly KeyEncryptionKey Kek = TestKeys.Fixed("k1", 7);
    private static readonly KeyRing Ring = new KeyRing().Add(Kek, makeCurrent: true);

    private static byte[] Encrypt(byte[] plain, KeyEncryptionKey? kek = null, int chunk = Chunk)
    {
        using var ms = new MemoryStream();
        using (var w = new ArtifactWriter(ms, kek ?? Kek, CompressionKind.None, 0, chunk))
        {
            // Uneven writes, to cross chunk boundaries at odd places.
            var rest = plain.AsSpan();
            var step = 1;
            while (rest.Length > 0)
            {
                var n = Math.Min(step, rest.Length);
                w.Write(rest[..n]);
                rest = rest[n..];
                step = step * 3 % 701 + 1;
            }
            w.CompleteAsync().GetAwaiter().GetResult();
        }
        return ms.ToArray();
    }

    private static async Task<byte[]> DecryptAsync(byte[] artifact, KeyRing? ring = null, string? expectedSha = null)
    {
        await using var r = await ArtifactReader.OpenAsync(new MemoryStream(artifact), ring ?? Ring, expectedSha);
        using var output = new MemoryStream();
        await r.CopyToAsync(output);
        Assert.True(r.Finished);
        return output.ToArray();
    }

    private static int HeaderLength(byte[] artifact) => BackupFunctions.Testing.ArtifactBytes.HeaderLength(artifact);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(Chunk * 5)]
    [InlineData(Chunk * 5 + 77)]
    public async Task RoundTripsAnySize(int size)
    {
        var plain = TestKeys.Data(size, size);
        var artifact = Encrypt(plain);
        // Full chunks, plus one final chunk that is always shorter than a chunk (empty when the size is a multiple).
        var chunks = size / Chunk + 1;
        Assert.Equal(HeaderLength(artifact) + size + chunks * ArtifactHeader.TagSize, artifact.Length);
        Assert.Equal(plain, await DecryptAsync(artifact));
    }

    [Fact]
    public async Task ReportsTheStoredHashAndChecksTheExpectedOne()
    {
        var artifact = Encrypt(TestKeys.Data(1000));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(artifact));
        await using (var r = await ArtifactReader.OpenAsync(new MemoryStream(artifact), Ring, sha))
        {
            await r.CopyToAsync(Stream.Null);
            Assert.Equal(sha, r.StoredSha256);
        }
        var wrong = new string('0', 64);
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(artifact, expectedSha: wrong));
        Assert.Contains(wrong, e.Message);
    }

    [Fact]
    public async Task AnyFlippedByteIsDetected()
    {
        var plain = TestKeys.Data(Chunk * 3 + 10);
        var artifact = Encrypt(plain);
        // Every byte of the header, and a spread of positions in chunk bodies and tags.
        var positions = Enumerable.Range(0, HeaderLength(artifact))
            .Concat(Enumerable.Range(HeaderLength(artifact), artifact.Length - HeaderLength(artifact)).Where(i => i % 7 == 0))
            .Append(artifact.Length - 1);
        foreach (var pos in positions)
        {
            var bad = (byte[])artifact.Clone();
            bad[pos] ^= 0x10;
            var e = await Record.ExceptionAsync(() => DecryptAsync(bad));
            Assert.True(e is ArtifactIntegrityException, $"flip at {pos}: {e?.GetType().Name ?? "no error"}");
        }
    }

    [Fact]
    public async Task AFlippedKeyIdByteNamesTheMissingKeyOrTheCorruption()
    {
        var artifact = Encrypt(TestKeys.Data(10));
        artifact[25] ^= 0x01; // first byte of the key id: the header checksum catches it first
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(artifact));
        Assert.Contains("header", e.Message);
    }

    [Fact]
    public async Task TruncationAtAChunkBoundaryIsDetected()
    {
        var artifact = Encrypt(TestKeys.Data(Chunk * 3 + 10));
        var cut = HeaderLength(artifact) + 2 * (Chunk + ArtifactHeader.TagSize);
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(artifact[..cut]));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public async Task TruncationOfAnExactMultipleBeforeItsEmptyFinalChunkIsDetected()
    {
        var artifact = Encrypt(TestKeys.Data(Chunk * 2));
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(artifact[..^ArtifactHeader.TagSize]));
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(Chunk)]
    public async Task TruncationMidChunkIsDetected(int dropped)
    {
        var artifact = Encrypt(TestKeys.Data(Chunk * 3 + 100));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(artifact[..^dropped]));
    }

    [Fact]
    public async Task TruncationInsideTheHeaderIsDetected()
    {
        var artifact = Encrypt(TestKeys.Data(10));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(artifact[..40]));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync([]));
    }

    [Fact]
    public async Task ExtensionIsDetected()
    {
        var artifact = Encrypt(TestKeys.Data(Chunk * 2 + 5));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync([.. artifact, 0]));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync([.. artifact, .. new byte[Chunk + ArtifactHeader.TagSize]]));
        // Appending a second valid artifact's chunks is also caught.
        var other = Encrypt(TestKeys.Data(Chunk * 2 + 5));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync([.. artifact, .. other.AsSpan(HeaderLength(other))]));
    }

    [Fact]
    public async Task SwappedChunksAreDetected()
    {
        var artifact = Encrypt(TestKeys.Data(Chunk * 3 + 10));
        var h = HeaderLength(artifact);
        var size = Chunk + ArtifactHeader.TagSize;
        var swapped = (byte[])artifact.Clone();
        artifact.AsSpan(h, size).CopyTo(swapped.AsSpan(h + size));
        artifact.AsSpan(h + size, size).CopyTo(swapped.AsSpan(h));
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(swapped));
        Assert.Contains("Chunk 0", e.Message);
    }

    [Fact]
    public async Task ChunksFromAnotherArtifactWithTheSameKeyAreDetected()
    {
        var a = Encrypt(TestKeys.Data(Chunk * 2 + 3, 1));
        var b = Encrypt(TestKeys.Data(Chunk * 2 + 3, 2));
        var h = HeaderLength(a);
        var spliced = (byte[])a.Clone();
        b.AsSpan(h, Chunk + ArtifactHeader.TagSize).CopyTo(spliced.AsSpan(h));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(spliced));
    }

    [Fact]
    public async Task AWrongKeyUnderTheSameIdIsReportedAsAWrongKey()
    {
        var artifact = Encrypt(TestKeys.Data(100));
        var impostor = new KeyRing().Add(TestKeys.Fixed("k1", 8), makeCurrent: true);
        var e = await Assert.ThrowsAsync<WrongKeyException>(() => DecryptAsync(artifact, impostor));
        Assert.Equal("k1", e.KeyId);
        Assert.Contains("'k1'", e.Message);
    }

    [Fact]
    public async Task AnUnknownKeyIdIsNamed()
    {
        var artifact = Encrypt(TestKeys.Data(100), TestKeys.Fixed("2026-archive", 3));
        var e = await Assert.ThrowsAsync<UnknownKeyException>(() => DecryptAsync(artifact));
        Assert.Equal("2026-archive", e.KeyId);
        Assert.Contains("'2026-archive'", e.Message);
        Assert.Contains("'k1'", e.Message); // what the ring does hold
        Assert.IsAssignableFrom<KeyNotFoundException>(e);
    }

    [Fact]
    public async Task OldArtifactsStayReadableAfterKeyRotation()
    {
        var old = TestKeys.Fixed("old", 1);
        var plain = TestKeys.Data(Chunk * 2 + 9);
        var artifact = Encrypt(plain, old);
        var rotated = new KeyRing().Add(old).Add(TestKeys.Fixed("new", 2), makeCurrent: true);
        Assert.Equal("new", rotated.Current.KeyId);
        Assert.Equal(plain, await DecryptAsync(artifact, rotated));
        var fresh = Encrypt(plain, rotated.Current);
        Assert.Equal(plain, await DecryptAsync(fresh, rotated));
    }

    [Fact]
    public void EachArtifactGetsAFreshDataKeyAndNonces()
    {
        var plain = TestKeys.Data(Chunk);
        var a = Encrypt(plain);
        var b = Encrypt(plain);
        var h = HeaderLength(a);
        Assert.False(a.AsSpan(h).SequenceEqual(b.AsSpan(h)));
    }

    [Fact]
    public async Task DisposingWithoutCompletingLeavesAnArtifactThatFailsToRead()
    {
        using var ms = new MemoryStream();
        await using (var w = new ArtifactWriter(ms, Kek, CompressionKind.None, 0, Chunk))
            await w.WriteAsync(TestKeys.Data(Chunk * 2 + 5));
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync(ms.ToArray()));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public async Task NotAnArtifactIsSaidPlainly()
    {
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => DecryptAsync("PGDMP not encrypted at all, long enough"u8.ToArray()));
        Assert.Contains("BFAR", e.Message);
    }
}
