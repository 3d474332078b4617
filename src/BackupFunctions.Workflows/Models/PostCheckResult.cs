namespace BackupFunctions.Workflows.Models;

/// <summary>The outcome of one configured post-restore check.</summary>
public sealed record PostCheckResult(string Name, bool Passed, string? Value, string? Error);
