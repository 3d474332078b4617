namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// One reusable zstd compression context that turns a block into one whole frame with its content checksum (the
/// checksum lets <c>verify</c> catch a compressor bug, not just storage damage). Not thread-safe: one per worker.
/// </summary>
internal abstract class ZstdBlockCompressor : IDisposable
{
    private ZstdBlockCompressor(ZstdEngine engine, int level)
    {
        Engine = engine;
        Level = level;
    }

    /// <summary>The concrete engine (never <see cref="ZstdEngine.Auto"/>) and the level: what a pooled context is reused for.</summary>
    public ZstdEngine Engine { get; }

    public int Level { get; }

    /// <summary>The largest frame a block of <paramref name="length"/> bytes can become (the same bound in both engines).</summary>
    public static int Bound(int length) => ZstdSharp.Compressor.GetCompressBound(length);

    public static ZstdBlockCompressor Create(ZstdEngine engine, int level) =>
        ZstdNative.Resolve(engine) == ZstdEngine.Native ? new NativeBlock(level) : new PortBlock(level);

    /// <summary>The pool key of a context made by <see cref="Create"/> for these arguments.</summary>
    public bool Matches(ZstdEngine engine, int level) => Engine == ZstdNative.Resolve(engine) && Level == level;

    /// <summary>Compresses <paramref name="block"/> into <paramref name="frame"/>; returns the frame's length.</summary>
    public abstract int Compress(ReadOnlySpan<byte> block, Span<byte> frame);

    public abstract void Dispose();

    private sealed class PortBlock : ZstdBlockCompressor
    {
        private readonly ZstdSharp.Compressor _zstd;

        public PortBlock(int level) : base(ZstdEngine.Port, level)
        {
            _zstd = new ZstdSharp.Compressor(level);
            _zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        }

        public override int Compress(ReadOnlySpan<byte> block, Span<byte> frame) => _zstd.Wrap(block, frame);

        public override void Dispose() => _zstd.Dispose();
    }

    private sealed class NativeBlock(int level) : ZstdBlockCompressor(ZstdEngine.Native, level)
    {
        private readonly ZstdNet.CompressionOptions _options = ZstdNative.Options(level, workers: 0);
        private ZstdNet.Compressor? _zstd;

        public override int Compress(ReadOnlySpan<byte> block, Span<byte> frame) =>
            (_zstd ??= new ZstdNet.Compressor(_options)).Wrap(block, frame);

        public override void Dispose()
        {
            _zstd?.Dispose();
            _options.Dispose();
        }
    }
}
