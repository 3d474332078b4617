using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline;

/// <summary>What an encode produced. Hashes are lower-case hex SHA-256.</summary>
public sealed record ArtifactEncodeResult(
    long RawBytes,
    string PlainSha256,
    long CompressedBytes,
    long StoredBytes,
    string StoredSha256,
    string KeyId,
    CompressionKind Compression,
    int CompressionLevel,
    int ChunkSize,
    int FormatVersion,
    TimeSpan Duration);
