using System.Security.Cryptography;
using System.Text;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Issue 17: zstd is compressed by native libzstd (ZstdNet) where it loads, by the port (ZstdSharp) elsewhere. Both write
/// standard frames with their checksum, so every reader reads what either engine wrote: the artifact format is unchanged.
/// </summary>
public sealed class ZstdEngineTests
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("zstd-engine-key", 23), makeCurrent: true);

    /// <summary>About 9 MiB of text that compresses like a dump, so the parallel stream cuts several blocks.</summary>
    private static byte[] Plain()
    {
        var random = new Random(42);
        var words = new[] { "alpha", "beta", "gamma", "delta", "row", "COPY", "\\N", "\t", "2026-12-05", "{\"k\": 1}" };
        var text = new StringBuilder();
        while (text.Length < 9 << 20) text.Append(words[random.Next(words.Length)]).Append(random.Next(3) == 0 ? '\n' : ' ');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Fact]
    public void Native_libzstd_is_the_engine_on_this_machine()
    {
        // The build machine is where the gain was measured; if this fails, the package's native library did not load.
        Assert.Equal(ZstdEngine.Native, CompressionCodec.ActiveZstdEngine);
    }

    [Theory]
    [InlineData(ZstdEngine.Port, 0)]
    [InlineData(ZstdEngine.Native, 0)]
    [InlineData(ZstdEngine.Port, 2)]
    [InlineData(ZstdEngine.Native, 2)]
    public async Task What_either_engine_writes_both_engines_read_back_exactly(ZstdEngine engine, int threads)
    {
        var plain = Plain();
        var compressed = new MemoryStream();
        await using (var z = CompressionCodec.CreateCompressor(CompressionKind.Zstd, CompressionCodec.DefaultZstdLevel, compressed, threads, engine))
            await z.WriteAsync(plain);
        Assert.True(compressed.Length < plain.Length / 2, $"{compressed.Length} bytes is not compressed");

        // The port, as the restore path reads.
        var byPort = new MemoryStream();
        await using (var d = CompressionCodec.CreateDecompressor(CompressionKind.Zstd, new MemoryStream(compressed.ToArray())))
            await d.CopyToAsync(byPort);
        Assert.Equal(plain, byPort.ToArray());

        // Native libzstd, and the frames' checksum flag set (byte 4 of each frame header: the frame header descriptor, bit 2).
        var byNative = new MemoryStream();
        await using (var d = new ZstdNet.DecompressionStream(new MemoryStream(compressed.ToArray())))
            await d.CopyToAsync(byNative);
        Assert.Equal(plain, byNative.ToArray());
        Assert.Equal(0x04, compressed.ToArray()[4] & 0x04);
    }

    [Theory]
    [InlineData(ZstdEngine.Port)]
    [InlineData(ZstdEngine.Native)]
    public async Task A_frame_damaged_after_compression_is_refused_by_its_checksum(ZstdEngine engine)
    {
        var plain = Plain();
        var compressed = new MemoryStream();
        await using (var z = CompressionCodec.CreateCompressor(CompressionKind.Zstd, CompressionCodec.DefaultZstdLevel, compressed, 0, engine))
            await z.WriteAsync(plain);
        var bytes = compressed.ToArray();
        bytes[^2] ^= 0x01; // inside the frame's 4-byte content checksum

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var d = CompressionCodec.CreateDecompressor(CompressionKind.Zstd, new MemoryStream(bytes));
            await d.CopyToAsync(Stream.Null);
        });
    }

    [Fact]
    public async Task An_artifact_encoded_with_the_native_engine_decodes_with_both_hashes()
    {
        var plain = Plain();
        var artifact = new MemoryStream();
        var encoded = await ArtifactEncoder.EncodeAsync(new MemoryStream(plain), artifact, new ArtifactEncodeOptions(Ring.Current) { CompressionThreads = 2 });

        var decoded = new MemoryStream();
        artifact.Position = 0;
        await ArtifactDecoder.DecodeToAsync(artifact, Ring, decoded, encoded.StoredSha256);

        Assert.Equal(plain, decoded.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(plain)), encoded.PlainSha256);
        Assert.Equal(CompressionKind.Zstd, encoded.Compression);
    }
}
