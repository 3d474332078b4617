using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;

namespace BackupFunctions.Pipeline;

/// <summary>The outcome of a successful backup run. Hashes are lower-case hex SHA-256.</summary>
public sealed record BackupResult(
    long RawBytes,
    long CompressedBytes,
    long StoredBytes,
    string StoredSha256,
    string PlainSha256,
    string KeyId,
    CompressionKind Compression,
    int CompressionLevel,
    int ChunkSize,
    int FormatVersion,
    string PgDumpVersion,
    ServerVersionInfo ServerVersion,
    IReadOnlyDictionary<string, long>? RowCounts,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    TimeSpan Duration)
{
    /// <summary>What the plain bytes are: <see cref="DumpFormats.Custom"/> (one pg_dump archive) or <see cref="DumpFormats.Directory"/> (a parallel dump's bundle).</summary>
    public string DumpFormat { get; init; } = DumpFormats.Custom;
    /// <summary>pg_dump workers that produced it.</summary>
    public int DumpJobs { get; init; } = 1;
    /// <summary>Each table's data block size in a one-stream dump, keyed "schema.table"; null when not followed.</summary>
    public IReadOnlyDictionary<string, long>? TableDataBytes { get; init; }

    /// <summary>Plain dump megabytes (10^6) per second of wall time.</summary>
    public double ThroughputMBps => Duration.TotalSeconds > 0 ? RawBytes / 1e6 / Duration.TotalSeconds : 0;
}
