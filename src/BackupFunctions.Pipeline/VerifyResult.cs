using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline;

/// <summary>
/// A verified artifact: every chunk authenticated, the final chunk present, decompression clean,
/// hashes as expected. <see cref="Content"/> tells what the plaintext starts like
/// (<see cref="PlainContent"/>).
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
    PlainContentKind Content,
    TimeSpan Duration)
{
    /// <summary>A pg_dump custom-format archive ("PGDMP").</summary>
    public bool IsPgDumpArchive => Content == PlainContentKind.CustomArchive;
}
