namespace BackupFunctions.Pipeline.Format;

/// <summary>Whether native libzstd (ZstdNet) can be used here, decided once, and its compression options.</summary>
internal static class ZstdNative
{
    private static readonly Lazy<bool> Loads = new(Probe);

    /// <summary><paramref name="engine"/>, with <see cref="ZstdEngine.Auto"/> made concrete.</summary>
    public static ZstdEngine Resolve(ZstdEngine engine) => engine switch
    {
        ZstdEngine.Auto => Loads.Value ? ZstdEngine.Native : ZstdEngine.Port,
        _ => engine,
    };

    /// <summary>The level, the frame checksum, and <paramref name="workers"/> of libzstd's own threads (0: none).</summary>
    public static ZstdNet.CompressionOptions Options(int level, int workers) =>
        new(null, new Dictionary<ZstdNet.ZSTD_cParameter, int>
        {
            [ZstdNet.ZSTD_cParameter.ZSTD_c_checksumFlag] = 1,
            [ZstdNet.ZSTD_cParameter.ZSTD_c_nbWorkers] = workers,
        }, level);

    private static bool Probe()
    {
        try
        {
            // A round trip: the library loads and works (an unusual platform may lack the package's binary).
            ReadOnlySpan<byte> probe = "BackupFunctions zstd probe"u8;
            using var options = Options(1, workers: 0);
            using var compressor = new ZstdNet.Compressor(options);
            var frame = compressor.Wrap(probe);
            using var port = new ZstdSharp.Decompressor();
            return port.Unwrap(frame).SequenceEqual(probe);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
        {
            return false;
        }
    }
}
