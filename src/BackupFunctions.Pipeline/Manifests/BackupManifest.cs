using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// Everything known about one backup, stored as manifest.json next to its artifact in every target
/// (after the artifact), so the catalog can be rebuilt from the targets alone.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>2: signed (<see cref="Signature"/>), describing an artifact whose header binds the backup's identity. 1: unsigned, older.</summary>
    public const int CurrentManifestVersion = 2;

    public int ManifestVersion { get; init; } = CurrentManifestVersion;
    public required string BackupId { get; init; }
    public required BackupKind Kind { get; init; }
    public string? Database { get; init; }
    public string? TenantId { get; init; }
    /// <summary>Server version text, e.g. "15.14 (Debian 15.14-0+deb12u1)".</summary>
    public string? ServerVersion { get; init; }
    /// <summary>server_version_num, e.g. 150014.</summary>
    public int? ServerVersionNum { get; init; }
    public string? PgDumpVersion { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    public long RawBytes { get; init; }
    public long CompressedBytes { get; init; }
    public long StoredBytes { get; init; }
    /// <summary>Hex SHA-256 of the artifact as stored.</summary>
    public required string StoredSha256 { get; init; }
    /// <summary>Hex SHA-256 of the plain dump (before compression and encryption).</summary>
    public required string PlainSha256 { get; init; }

    public CompressionKind Compression { get; init; } = CompressionKind.Zstd;
    public int CompressionLevel { get; init; }
    public required string KeyId { get; init; }
    public int FormatVersion { get; init; } = ArtifactHeader.CurrentVersion;
    public int ChunkSize { get; init; } = ArtifactHeader.DefaultChunkSize;

    /// <summary>
    /// What the plain bytes are: absent or "custom" for one pg_dump custom-format archive, "directory" for
    /// a parallel dump's bundle of a directory-format archive (<see cref="DumpFormats"/>).
    /// </summary>
    public string? DumpFormat { get; init; }
    /// <summary>pg_dump workers of a parallel dump (absent for one stream).</summary>
    public int? DumpJobs { get; init; }

    /// <summary>
    /// Each table's data size in a one-stream dump, keyed "schema.table" (absent in older manifests and for parallel
    /// dumps): a restore starts the largest table first, before it has decoded it, as <c>pg_restore -j</c> does.
    /// </summary>
    public IReadOnlyDictionary<string, long>? TableDataBytes { get; init; }

    /// <summary>Exact row count per table, keyed "schema.table".</summary>
    public IReadOnlyDictionary<string, long> RowCounts { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>The artifact's object key (the same in every target).</summary>
    public required string ArtifactKey { get; init; }
    public IReadOnlyList<TargetCopy> Copies { get; init; } = [];
    public string? OrchestrationInstanceId { get; init; }

    /// <summary>
    /// The cluster globals (roles, memberships, role settings) from <c>pg_dumpall --globals-only --no-role-passwords</c>,
    /// as a base64 artifact encrypted like the dump. Small, so it travels inside the manifest of every
    /// target; a restore onto a fresh server recreates the missing roles from it before pg_restore.
    /// </summary>
    public string? GlobalsArtifact { get; init; }

    /// <summary>Hex SHA-256 of the decoded globals artifact bytes (before base64).</summary>
    public string? GlobalsSha256 { get; init; }

    /// <summary>HMAC of everything above (<see cref="ManifestSigner"/>); null in manifests written before version 2.</summary>
    public ManifestSignature? Signature { get; init; }

    /// <summary>What this manifest says its artifact's header holds, for <see cref="ArtifactReader"/> to check.</summary>
    public ArtifactExpectation Expectation() => new(new ArtifactIdentity(BackupId, Database, CreatedAt), FormatVersion, KeyId);
}
