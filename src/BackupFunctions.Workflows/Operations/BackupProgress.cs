namespace BackupFunctions.Workflows.Operations;

/// <summary>A step of a backup run for a person to watch: stage, the target it concerns, bytes so far, and an error.</summary>
public sealed record BackupProgress(string Stage, string? Target, long Bytes, string? Error);
