using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline;

/// <summary>A successful restore: pg_restore exited 0 without errors, and every check passed.</summary>
public sealed record RestoreResult(
    long StoredBytes,
    string StoredSha256,
    long PlainBytes,
    string PlainSha256,
    string KeyId,
    CompressionKind Compression,
    string PgRestoreVersion,
    IReadOnlyList<string> Warnings,
    TimeSpan Duration);
