using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Session 9 (host memory): zstd compression contexts are kept from one stream to the next in a small bounded pool.
/// A reused context must write exactly the frames a fresh one writes (the artifact format is unchanged), and the pool
/// must never hold more than its capacity.
/// </summary>
public sealed class ZstdContextPoolTests
{
    private static byte[] Block(int seed, int size = 300_000)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        for (var i = 0; i < size * 2 / 3; i++) data[i] = (byte)('a' + (i * seed) % 23);
        return data;
    }

    private static byte[] Frame(ZstdBlockCompressor zstd, byte[] block)
    {
        var frame = new byte[ZstdBlockCompressor.Bound(block.Length)];
        return frame[..zstd.Compress(block, frame)];
    }

    [Theory]
    [InlineData(ZstdEngine.Native)]
    [InlineData(ZstdEngine.Port)]
    public void A_reused_context_writes_the_same_frame_as_a_fresh_one(ZstdEngine engine)
    {
        var pool = new ZstdContextPool(capacity: 2);
        var first = pool.Rent(engine, level: 2);
        _ = Frame(first, Block(1)); // the context has compressed something else before
        pool.Return(first);

        var reused = pool.Rent(engine, level: 2);
        Assert.Same(first, reused);
        var block = Block(2);
        var byReused = Frame(reused, block);
        using var fresh = ZstdBlockCompressor.Create(engine, level: 2);
        Assert.Equal(Frame(fresh, block), byReused);
        reused.Dispose();
    }

    [Fact]
    public void It_keeps_at_most_its_capacity_and_disposes_the_rest()
    {
        var pool = new ZstdContextPool(capacity: 2);
        var rented = Enumerable.Range(0, 5).Select(_ => pool.Rent(ZstdEngine.Native, level: 2)).ToList();
        Assert.Equal(5, rented.Distinct().Count());
        foreach (var context in rented) pool.Return(context);
        Assert.Equal(2, pool.Count);

        // The two kept are handed out again; a third Rent makes a new one.
        var again = Enumerable.Range(0, 3).Select(_ => pool.Rent(ZstdEngine.Native, level: 2)).ToList();
        Assert.Equal(2, again.Count(rented.Contains));
        Assert.Equal(0, pool.Count);
        foreach (var context in again) context.Dispose();
    }

    [Fact]
    public void A_context_is_only_reused_for_its_own_engine_and_level()
    {
        var pool = new ZstdContextPool(capacity: 4);
        var level2 = pool.Rent(ZstdEngine.Native, level: 2);
        pool.Return(level2);

        using var level5 = pool.Rent(ZstdEngine.Native, level: 5);
        using var port = pool.Rent(ZstdEngine.Port, level: 2);
        Assert.NotSame(level2, level5);
        Assert.NotSame(level2, port);
        Assert.Equal((ZstdEngine.Native, 5), (level5.Engine, level5.Level));
        Assert.Equal(ZstdEngine.Port, port.Engine);
        Assert.Same(level2, pool.Rent(ZstdEngine.Auto, level: 2)); // Auto is native on this machine (ZstdEngineTests)
        pool.Clear();
        Assert.Equal(0, pool.Count);
        level2.Dispose();
    }

    [Fact]
    public async Task Streams_one_after_another_write_identical_bytes_and_count_themselves()
    {
        var data = Block(3, size: 1_000_000);
        using var counted = new CompressionCounter();
        var outputs = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            using var compressed = new MemoryStream();
            await using (var z = new ParallelZstdStream(compressed, level: 2, workers: 2, blockSize: 64 << 10))
            {
                Assert.True(counted.Open >= 1, $"{counted.Open} streams open");
                await z.WriteAsync(data);
            }

            outputs.Add(compressed.ToArray());
        }

        // The second and third streams compressed with contexts the first gave back: same bytes.
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
        Assert.True(counted.Opened >= 3, $"{counted.Opened} streams counted");
        // Other test classes compress at the same time, so only the bound is certain here.
        Assert.InRange(ZstdContextPool.Shared.Count, 0, ZstdContextPool.Shared.Capacity);
    }
}
