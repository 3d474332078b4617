namespace BackupFunctions.Workflows.Operations;

public sealed record CopyVerification(string Target, string ObjectKey, bool Verified, long Bytes, string? ActualSha256, TimeSpan Duration, string? Error);
