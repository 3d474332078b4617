namespace BackupFunctions.Pipeline.Manifests;

/// <summary>One copy of the artifact in one target. Verified means read back and its SHA-256 matched.</summary>
public sealed record TargetCopy(string Target, string ObjectKey, bool Verified = false, DateTimeOffset? VerifiedAt = null);
