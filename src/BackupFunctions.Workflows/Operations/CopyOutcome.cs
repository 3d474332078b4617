namespace BackupFunctions.Workflows.Operations;

/// <summary>What happened to one target's copy of an artifact.</summary>
public sealed record CopyOutcome(string Target, string ObjectKey, bool Uploaded, bool Verified, long Bytes, TimeSpan Duration, string? Error)
{
    /// <summary>
    /// The SHA-256 of the bytes the target wrote, hashed as it wrote them, when the target reports one
    /// (<see cref="Targets.TargetObjectInfo.WrittenSha256"/>: local files). <see cref="VerifyCopy.FromWrite"/>
    /// checks such a copy without reading it back.
    /// </summary>
    public string? WrittenSha256 { get; init; }

    /// <summary>A copy uploaded while the dump ran (<see cref="StagedArtifact.StreamedTo"/>): uploaded, not yet checked.</summary>
    public static CopyOutcome Streamed(StagedArtifact staged, string target) =>
        new(target, staged.Keys.Artifact, true, false, staged.Result.StoredBytes, staged.Result.Duration, null)
        {
            WrittenSha256 = staged.StreamedSha256.GetValueOrDefault(target),
        };

    public static CopyOutcome Failed(string target, string key, string error, TimeSpan duration) =>
        new(target, key, false, false, 0, duration, error);
}
