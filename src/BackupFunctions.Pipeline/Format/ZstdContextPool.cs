namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// A few zstd compression contexts kept from one stream to the next, so a long-lived host does not create and free
/// libzstd's native state for every backup. Bounded: at most <see cref="Capacity"/> idle contexts are kept (more are
/// disposed when given back), so what it holds is set by the busiest moment (a stream's workers), not by time.
/// </summary>
/// <remarks>
/// Why: native contexts are malloc'd on whichever thread-pool thread compresses, and glibc keeps freed memory in that
/// thread's arena; a new set per stream left the host's malloc arenas growing with each backup (docs/benchmarks.md,
/// "session 9"). A context compresses every block as a whole new frame with the same parameters, so a reused one
/// writes exactly the bytes a fresh one would (ZstdContextPoolTests).
/// </remarks>
internal sealed class ZstdContextPool(int capacity)
{
    /// <summary>Twice the most workers <see cref="CompressionCodec.DefaultThreads"/> picks: two streams at once reuse theirs.</summary>
    public static ZstdContextPool Shared { get; } = new(capacity: 8);

    private readonly List<ZstdBlockCompressor> _idle = [];

    public int Capacity { get; } = capacity >= 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Idle contexts held now.</summary>
    public int Count
    {
        get { lock (_idle) return _idle.Count; }
    }

    /// <summary>An idle context for this engine and level, or a new one.</summary>
    public ZstdBlockCompressor Rent(ZstdEngine engine, int level)
    {
        lock (_idle)
        {
            // Contexts of another engine or level are not reused for this one; they stay for their own kind.
            var i = _idle.FindLastIndex(c => c.Matches(engine, level));
            if (i >= 0)
            {
                var context = _idle[i];
                _idle.RemoveAt(i);
                return context;
            }
        }

        return ZstdBlockCompressor.Create(engine, level);
    }

    /// <summary>Keeps <paramref name="context"/> for a later stream, or disposes it when the pool is full.</summary>
    public void Return(ZstdBlockCompressor context)
    {
        lock (_idle)
        {
            if (_idle.Count < Capacity)
            {
                _idle.Add(context);
                return;
            }
        }

        context.Dispose();
    }

    /// <summary>Disposes every idle context (their native memory goes back to the allocator).</summary>
    public void Clear()
    {
        List<ZstdBlockCompressor> idle;
        lock (_idle)
        {
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var context in idle) context.Dispose();
    }
}
