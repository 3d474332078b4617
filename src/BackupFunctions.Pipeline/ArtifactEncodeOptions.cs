using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline;

/// <summary>How plaintext becomes an artifact.</summary>
public sealed record ArtifactEncodeOptions(KeyEncryptionKey Key)
{
    public CompressionKind Compression { get; init; } = CompressionKind.Zstd;
    /// <summary>Null: the default for the compression (zstd 2, gzip 6).</summary>
    public int? CompressionLevel { get; init; }
    /// <summary>zstd worker threads; 0 or 1 compresses on the pipeline's own thread.</summary>
    public int CompressionThreads { get; init; } = CompressionCodec.DefaultThreads;
    public int ChunkSize { get; init; } = ArtifactHeader.DefaultChunkSize;
    /// <summary>Bytes buffered between two stages before the faster one waits (memory bound per stage).</summary>
    public int StageBufferBytes { get; init; } = 4 << 20;
    /// <summary>The backup the artifact belongs to, bound into its header (null only for loose artifacts such as tests and benchmarks).</summary>
    public ArtifactIdentity? Identity { get; init; }

    public int EffectiveLevel => CompressionLevel ?? CompressionCodec.DefaultLevel(Compression);
}
