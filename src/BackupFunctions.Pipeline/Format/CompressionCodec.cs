using System.IO.Compression;
using ZstdSharp;
using ZstdSharp.Unsafe;
using BackupFunctions.Pipeline.Streams;

namespace BackupFunctions.Pipeline.Format;

/// <summary>Creates the compression and decompression streams for a <see cref="CompressionKind"/>.</summary>
public static class CompressionCodec
{
    /// <summary>
    /// Level 2, chosen by measurement (bench/pipeline.sh on a 758 MB pg_dump of text, jsonb and
    /// half-incompressible bytea; docs/benchmarks.md): levels 1 and 2 encode at the same speed in this
    /// zstd port (~2.4-2.7 CPU s), level 2 stores 3.5 % less, and level 3 costs ~40 % more CPU for a
    /// larger result. CPU is what a backup window is short of: pg_dump and its server backend already
    /// take most of a small machine.
    /// </summary>
    public const int DefaultZstdLevel = 2;
    public const int DefaultGzipLevel = 6;

    public static int DefaultLevel(CompressionKind kind) => kind switch
    {
        CompressionKind.Zstd => DefaultZstdLevel,
        CompressionKind.Gzip => DefaultGzipLevel,
        _ => 0,
    };

    /// <summary>
    /// zstd threads when the settings do not say: one per core, at most 4 (<see cref="ParallelZstdStream"/>).
    /// </summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>The zstd implementation new backups are compressed with on this machine (<see cref="ZstdEngine.Auto"/> resolved).</summary>
    public static ZstdEngine ActiveZstdEngine => ZstdNative.Resolve(ZstdEngine.Auto);

    public static void ValidateLevel(CompressionKind kind, int level)
    {
        var ok = kind switch
        {
            CompressionKind.Zstd => level is >= -7 and <= 22,
            CompressionKind.Gzip => level is >= 0 and <= 9,
            _ => true,
        };
        if (!ok) throw new ArgumentOutOfRangeException(nameof(level), level, $"Level {level} is not valid for {kind} (zstd: -7..22, gzip: 0..9).");
    }

    /// <summary>
    /// A write stream that compresses into <paramref name="output"/> (left open). Dispose it to write
    /// the compressed stream's end. <paramref name="threads"/> &gt; 1 compresses blocks in parallel, as concatenated frames.
    /// zstd is native libzstd where it loads (<see cref="ZstdEngine.Auto"/>): the same frames at about half the CPU of the port.
    /// </summary>
    public static Stream CreateCompressor(CompressionKind kind, int level, Stream output, int threads = 0, ZstdEngine engine = ZstdEngine.Auto)
    {
        ValidateLevel(kind, level);
        switch (kind)
        {
            case CompressionKind.None:
                return new NonClosingStream(output);
            case CompressionKind.Zstd:
                if (threads > 1) return new ParallelZstdStream(output, level, threads, engine: engine);
                if (ZstdNative.Resolve(engine) == ZstdEngine.Native)
                    return new ZstdNet.CompressionStream(new NonClosingStream(output), ZstdNative.Options(level, workers: 0));
                var z = new CompressionStream(output, level, bufferSize: 0, leaveOpen: true);
                // The frame checksum lets `verify` catch a compressor bug, not just storage damage.
                z.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
                return z;
            case CompressionKind.Gzip:
                return new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown compression.");
        }
    }

    /// <summary>
    /// A read stream that decompresses <paramref name="input"/> (left open). zstd is read by native libzstd where it
    /// loads (<see cref="ZstdEngine.Auto"/>), else by the port, whichever engine wrote it; both refuse a stream cut
    /// inside a frame. Decoding is about half of a restore's own CPU, and libzstd takes a fraction of the port's.
    /// </summary>
    public static Stream CreateDecompressor(CompressionKind kind, Stream input, ZstdEngine engine = ZstdEngine.Auto) => kind switch
    {
        CompressionKind.None => new NonClosingStream(input),
        CompressionKind.Zstd => CreateZstdDecompressor(input, engine),
        CompressionKind.Gzip => new GZipStream(input, CompressionMode.Decompress, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown compression."),
    };

    private static Stream CreateZstdDecompressor(Stream input, ZstdEngine engine)
    {
        if (ZstdNative.Resolve(engine) == ZstdEngine.Native)
        {
            try
            {
                return new NativeZstdDecompressionStream(input);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                // ZstdNet loaded libzstd but this assembly could not: the port reads the same frames.
                if (engine == ZstdEngine.Native) throw;
            }
        }
        return new DecompressionStream(input, bufferSize: 0, checkEndOfStream: true, leaveOpen: true);
    }

    public static string Name(CompressionKind kind) => kind.ToString().ToLowerInvariant();

    public static CompressionKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "zstd" or "zst" => CompressionKind.Zstd,
        "gzip" or "gz" => CompressionKind.Gzip,
        "none" or "off" => CompressionKind.None,
        _ => throw new FormatException($"Unknown compression '{name}'; use zstd, gzip or none."),
    };
}
