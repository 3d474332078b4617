namespace BackupFunctions.Workflows.Models;

/// <summary>Output of the backup orchestrations: where the copies are and whether they verified.</summary>
public sealed record BackupRunSummary(
    string BackupId,
    string Kind,
    string? Database,
    string Status,
    IReadOnlyList<CopySummary> Copies,
    long StoredBytes,
    string? Error);

public sealed record CopySummary(string Target, string ObjectKey, bool Verified, string? Error);
