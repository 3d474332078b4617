using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>An encrypted artifact in the staging directory, ready to be uploaded to every target.</summary>
public sealed record StagedArtifact(
    string BackupId,
    BackupKind Kind,
    string Database,
    string? TenantId,
    DateTimeOffset CreatedAt,
    string StagingPath,
    BackupObjectKeys Keys,
    BackupResult Result)
{
    /// <summary>The encrypted globals (roles) as base64, or null when they were not taken (see <see cref="GlobalsWarning"/>).</summary>
    public string? GlobalsArtifact { get; init; }

    public string? GlobalsSha256 { get; init; }

    public string? GlobalsWarning { get; init; }

    /// <summary>Targets whose copy was uploaded while the dump ran (<see cref="DumpAndStream"/>); the others still need an upload.</summary>
    public IReadOnlyList<string> StreamedTo { get; init; } = [];

    /// <summary>
    /// Of the streamed copies, those the target read back while it wrote them (<see cref="PutOptions.ReadBack"/>), by
    /// target name: their verification needs no second read.
    /// </summary>
    public IReadOnlyDictionary<string, StoredHash> StreamedReadBack { get; init; } = new Dictionary<string, StoredHash>();
}
