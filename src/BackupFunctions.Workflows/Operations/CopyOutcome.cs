using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>What happened to one target's copy of an artifact.</summary>
public sealed record CopyOutcome(string Target, string ObjectKey, bool Uploaded, bool Verified, long Bytes, TimeSpan Duration, string? Error)
{
    /// <summary>The stored bytes' hash as the target read them back while it wrote them (<see cref="PutOptions.ReadBack"/>), if it did.</summary>
    public StoredHash? ReadBack { get; init; }

    /// <summary>A copy uploaded while the dump ran (<see cref="StagedArtifact.StreamedTo"/>): uploaded, not yet read back.</summary>
    public static CopyOutcome Streamed(StagedArtifact staged, string target) =>
        new(target, staged.Keys.Artifact, true, false, staged.Result.StoredBytes, staged.Result.Duration, null)
        {
            ReadBack = staged.StreamedReadBack.GetValueOrDefault(target),
        };

    public static CopyOutcome Failed(string target, string key, string error, TimeSpan duration) =>
        new(target, key, false, false, 0, duration, error);
}
