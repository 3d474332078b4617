using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// base-manifest.json: one pg_basebackup (tar of the whole data directory, without WAL) stored as
/// an artifact. Its own kind beside the logical manifests: a PITR restore lays it down and replays
/// archived WAL from <see cref="StartWalFile"/> on.
/// </summary>
public sealed record BaseBackupManifest
{
    /// <summary>2: signed (<see cref="Signature"/>, docs/pitr.md). 1 was unsigned and is refused on read.</summary>
    public const int CurrentVersion = 2;

    public int Version { get; init; } = CurrentVersion;
    public required string BackupId { get; init; }
    public required string Cluster { get; init; }
    public string? Label { get; init; }
    /// <summary>server_version_num of the source, e.g. 150014: the restore needs a server of the same major.</summary>
    public int ServerVersionNum { get; init; }
    /// <summary>From backup_label: the LSN replay starts at, its WAL file and timeline.</summary>
    public required string StartLsn { get; init; }
    public required string StartWalFile { get; init; }
    public required int Timeline { get; init; }
    /// <summary>When pg_basebackup started and when it finished (the backup is consistent by then; a recovery target must be later).</summary>
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }

    public long RawBytes { get; init; }
    public long StoredBytes { get; init; }
    public required string StoredSha256 { get; init; }
    public required string PlainSha256 { get; init; }
    public CompressionKind Compression { get; init; }
    public required string KeyId { get; init; }
    public required string ArtifactKey { get; init; }
    /// <summary>The targets the artifact was written to before this manifest.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];
    /// <summary>HMAC over every other field (<see cref="PitrSignatures"/>), with a subkey of the key <see cref="KeyId"/>.</summary>
    public ManifestSignature? Signature { get; init; }
}
