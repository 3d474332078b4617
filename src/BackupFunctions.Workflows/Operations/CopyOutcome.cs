namespace BackupFunctions.Workflows.Operations;

/// <summary>What happened to one target's copy of an artifact.</summary>
public sealed record CopyOutcome(string Target, string ObjectKey, bool Uploaded, bool Verified, long Bytes, TimeSpan Duration, string? Error)
{
    public static CopyOutcome Failed(string target, string key, string error, TimeSpan duration) =>
        new(target, key, false, false, 0, duration, error);
}
