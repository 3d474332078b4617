using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// The small JSON written next to each archived WAL file, after its artifact: the plain SHA-256 is
/// what makes a repeated push idempotent (the stored bytes differ on every push, because each gets
/// a fresh data key), and what a fetch checks the decoded segment against.
/// </summary>
public sealed record WalSegmentRecord
{
    /// <summary>2: signed (<see cref="Signature"/>, docs/pitr.md). 1 was unsigned and is refused on read.</summary>
    public const int CurrentVersion = 2;

    public int Version { get; init; } = CurrentVersion;
    public required string WalFile { get; init; }
    public required long PlainBytes { get; init; }
    /// <summary>Hex SHA-256 of the WAL file as PostgreSQL wrote it.</summary>
    public required string PlainSha256 { get; init; }
    public required long StoredBytes { get; init; }
    /// <summary>Hex SHA-256 of the artifact as stored.</summary>
    public required string StoredSha256 { get; init; }
    public required string KeyId { get; init; }
    public CompressionKind Compression { get; init; }
    public required DateTimeOffset ArchivedAt { get; init; }
    /// <summary>HMAC over every other field (<see cref="PitrSignatures"/>), with a subkey of the key <see cref="KeyId"/>.</summary>
    public ManifestSignature? Signature { get; init; }
}
