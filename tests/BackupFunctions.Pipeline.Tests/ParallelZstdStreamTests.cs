using BackupFunctions.Pipeline.Format;
using ZstdSharp;

namespace BackupFunctions.Pipeline.Tests;

public sealed class ParallelZstdStreamTests
{
    private static byte[] Data(int size, int seed)
    {
        // Half text, half random: both paths of the compressor, and blocks of unequal compressed size.
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        for (var i = 0; i < size / 2; i++) data[i] = (byte)('a' + i % 17);
        return data;
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 3)]
    [InlineData(100_000, 2)]
    [InlineData(1_000_000, 3)] // many 64 KiB blocks in flight at once, written back in order
    public async Task Frames_written_by_several_threads_decompress_in_order_to_the_input(int size, int writes)
    {
        var data = Data(size, size);
        using var compressed = new MemoryStream();
        await using (var z = new ParallelZstdStream(compressed, level: 1, workers: 3, blockSize: 64 << 10))
        {
            var step = Math.Max(1, (size + writes - 1) / writes);
            for (var offset = 0; offset < size; offset += step)
                await z.WriteAsync(data.AsMemory(offset, Math.Min(step, size - offset)));
        }

        compressed.Position = 0;
        await using var unzip = new DecompressionStream(compressed, checkEndOfStream: true);
        using var back = new MemoryStream();
        await unzip.CopyToAsync(back);
        Assert.Equal(data, back.ToArray());
        if (size >= 1_000_000) Assert.True(compressed.Length < size * 3 / 4, $"{compressed.Length} of {size}");
    }

    [Fact]
    public async Task A_failing_output_surfaces_its_error_and_the_stream_can_still_be_disposed()
    {
        var z = new ParallelZstdStream(new FailingStream(), level: 1, workers: 2, blockSize: 64 << 10);
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (var i = 0; i < 10; i++) await z.WriteAsync(Data(64 << 10, i));
        });
        Assert.Equal("disk full", error.Message);
        await Assert.ThrowsAsync<IOException>(async () => await z.DisposeAsync());
        Assert.False(z.CanWrite);
        await z.DisposeAsync(); // a second dispose is a no-op
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelZstdStream(Stream.Null, 1, workers: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelZstdStream(Stream.Null, 1, workers: 2, blockSize: 1024));
    }

    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("disk full"));
    }
}
