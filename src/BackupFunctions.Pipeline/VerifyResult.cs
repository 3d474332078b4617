using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline;

/// <summary>
/// A verified artifact: every chunk authenticated, the final chunk present, decompression clean,
/// hashes as expected. <see cref="IsPgDumpArchive"/> tells whether the plaintext starts like a
/// pg_dump custom-format archive ("PGDMP").
/// </summary>
public sealed record VerifyResult(
    long StoredBytes,
    string StoredSha256,
    long CompressedBytes,
    long PlainBytes,
    string PlainSha256,
    string KeyId,
    CompressionKind Compression,
    int ChunkSize,
    int FormatVersion,
    bool IsPgDumpArchive,
    TimeSpan Duration);
