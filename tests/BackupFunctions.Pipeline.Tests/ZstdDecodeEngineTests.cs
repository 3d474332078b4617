using System.Text;
using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Issue 17, restore: zstd is decoded by native libzstd (<see cref="NativeZstdDecompressionStream"/>) where it loads.
/// It must read every frame either engine writes (one frame, block-parallel concatenated frames, an empty stream) and
/// refuse what the port refuses: a stream cut inside a frame, a damaged frame, bytes that are not zstd.
/// </summary>
public sealed class ZstdDecodeEngineTests
{
    private static byte[] Plain(int bytes)
    {
        var random = new Random(17);
        var words = new[] { "alpha", "beta", "gamma", "row", "COPY", "\\N", "\t", "2026-12-05", "{\"k\": 1}" };
        var text = new StringBuilder();
        while (text.Length < bytes) text.Append(words[random.Next(words.Length)]).Append(random.Next(3) == 0 ? '\n' : ' ');
        // Some incompressible bytes too, so frames hold raw blocks as well as compressed ones.
        var noise = new byte[bytes / 8];
        random.NextBytes(noise);
        return [.. Encoding.UTF8.GetBytes(text.ToString()), .. noise];
    }

    private static async Task<byte[]> CompressAsync(byte[] plain, ZstdEngine engine, int threads)
    {
        var compressed = new MemoryStream();
        await using (var z = CompressionCodec.CreateCompressor(CompressionKind.Zstd, CompressionCodec.DefaultZstdLevel, compressed, threads, engine))
            await z.WriteAsync(plain);
        return compressed.ToArray();
    }

    private static async Task<byte[]> DecodeAsync(byte[] compressed, ZstdEngine engine, int readSize = 81920, bool sync = false)
    {
        await using var d = CompressionCodec.CreateDecompressor(CompressionKind.Zstd, new MemoryStream(compressed), engine);
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        while (true)
        {
            var n = sync ? d.Read(buffer, 0, buffer.Length) : await d.ReadAsync(buffer.AsMemory());
            if (n == 0) break;
            output.Write(buffer, 0, n);
        }
        return output.ToArray();
    }

    [Fact]
    public void The_native_decoder_is_the_one_used_on_this_machine()
    {
        using var d = CompressionCodec.CreateDecompressor(CompressionKind.Zstd, new MemoryStream());
        Assert.IsType<NativeZstdDecompressionStream>(d);
        using var port = CompressionCodec.CreateDecompressor(CompressionKind.Zstd, new MemoryStream(), ZstdEngine.Port);
        Assert.IsNotType<NativeZstdDecompressionStream>(port);
    }

    [Theory]
    [InlineData(ZstdEngine.Port, 0, 81920, false)]
    [InlineData(ZstdEngine.Native, 0, 81920, false)]
    [InlineData(ZstdEngine.Port, 3, 81920, false)]
    [InlineData(ZstdEngine.Native, 3, 7, true)]
    [InlineData(ZstdEngine.Native, 3, 1 << 20, false)]
    public async Task The_native_decoder_reads_what_either_engine_wrote_exactly(ZstdEngine writer, int threads, int readSize, bool sync)
    {
        var plain = Plain(6 << 20);
        var compressed = await CompressAsync(plain, writer, threads);

        Assert.Equal(plain, await DecodeAsync(compressed, ZstdEngine.Native, readSize, sync));
        Assert.Equal(plain, await DecodeAsync(compressed, ZstdEngine.Port));
    }

    [Theory]
    [InlineData(ZstdEngine.Port)]
    [InlineData(ZstdEngine.Native)]
    public async Task An_empty_dump_round_trips(ZstdEngine writer)
    {
        var compressed = await CompressAsync([], writer, 0);
        Assert.Empty(await DecodeAsync(compressed, ZstdEngine.Native));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_stream_cut_inside_a_frame_is_refused_wherever_it_is_cut(int threads)
    {
        var compressed = await CompressAsync(Plain(3 << 20), ZstdEngine.Native, threads);
        // Near the start (inside the first frame's header or first block), in the middle, and one byte short of the end.
        foreach (var cut in new[] { 3, 9, compressed.Length / 2, compressed.Length - 1 })
        {
            var truncated = compressed.AsSpan(0, cut).ToArray();
            var native = await Assert.ThrowsAnyAsync<Exception>(() => DecodeAsync(truncated, ZstdEngine.Native));
            Assert.True(native is EndOfStreamException or InvalidDataException, $"cut at {cut}: {native.GetType().Name}: {native.Message}");
            await Assert.ThrowsAnyAsync<Exception>(() => DecodeAsync(truncated, ZstdEngine.Port));
        }
    }

    [Fact]
    public async Task A_damaged_frame_or_bytes_that_are_not_zstd_are_refused_as_invalid_data()
    {
        var compressed = await CompressAsync(Plain(2 << 20), ZstdEngine.Native, 0);
        var damaged = compressed.ToArray();
        damaged[^2] ^= 0x01; // the frame's content checksum
        await Assert.ThrowsAsync<InvalidDataException>(() => DecodeAsync(damaged, ZstdEngine.Native));

        var notZstd = Encoding.ASCII.GetBytes("PGDMP this is not a zstd frame at all");
        await Assert.ThrowsAsync<InvalidDataException>(() => DecodeAsync(notZstd, ZstdEngine.Native));
    }

    [Fact]
    public async Task The_decoder_leaves_its_input_open()
    {
        var input = new MemoryStream(await CompressAsync(Plain(1 << 20), ZstdEngine.Native, 0));
        await using (var d = CompressionCodec.CreateDecompressor(CompressionKind.Zstd, input))
            await d.CopyToAsync(Stream.Null);
        Assert.True(input.CanRead);
    }
}
