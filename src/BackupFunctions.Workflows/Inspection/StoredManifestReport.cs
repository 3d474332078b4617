using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Inspection;

/// <summary>
/// One backup's manifest.json as stored on one target, checked the way a restore checks it.
/// </summary>
/// <param name="Key">Where it was looked for.</param>
/// <param name="Signed">Its signature verified with a key of the ring (false: an old, unsigned format-1 manifest).</param>
/// <param name="Valid">It read, verified and describes this backup (its place, artifact key, id and stored SHA-256).</param>
/// <param name="Problem">Why it cannot be used (Missing, Damaged, Unreachable, UnknownTarget, or Read but not valid).</param>
/// <param name="Manifest">What it says, when it could be read; the encrypted globals are left out (they are large and only a restore can use them).</param>
public sealed record StoredManifestReport(
    StoredManifestOutcome Outcome,
    string BackupId,
    string Target,
    string Key,
    bool Signed,
    bool Valid,
    string? Problem,
    BackupManifest? Manifest)
{
    /// <summary>True when the content parsed but its signature failed or was removed: someone altered it.</summary>
    public bool Forged { get; init; }
}
