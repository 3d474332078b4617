namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// One reusable zstd compression context that turns a block into one whole frame with its content checksum (the
/// checksum lets <c>verify</c> catch a compressor bug, not just storage damage). Not thread-safe: one per worker.
/// </summary>
internal abstract class ZstdBlockCompressor : IDisposable
{
    /// <summary>The largest frame a block of <paramref name="length"/> bytes can become (the same bound in both engines).</summary>
    public static int Bound(int length) => ZstdSharp.Compressor.GetCompressBound(length);

    public static ZstdBlockCompressor Create(ZstdEngine engine, int level) =>
        ZstdNative.Resolve(engine) == ZstdEngine.Native ? new NativeBlock(level) : new PortBlock(level);

    /// <summary>Compresses <paramref name="block"/> into <paramref name="frame"/>; returns the frame's length.</summary>
    public abstract int Compress(ReadOnlySpan<byte> block, Span<byte> frame);

    public abstract void Dispose();

    private sealed class PortBlock : ZstdBlockCompressor
    {
        private readonly ZstdSharp.Compressor _zstd;

        public PortBlock(int level)
        {
            _zstd = new ZstdSharp.Compressor(level);
            _zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        }

        public override int Compress(ReadOnlySpan<byte> block, Span<byte> frame) => _zstd.Wrap(block, frame);

        public override void Dispose() => _zstd.Dispose();
    }

    private sealed class NativeBlock(int level) : ZstdBlockCompressor
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
