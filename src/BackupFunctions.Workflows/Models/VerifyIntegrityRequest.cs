namespace BackupFunctions.Workflows.Models;

/// <summary>Which backups the integrity check re-hashes: one id, or the newest N (default 10).</summary>
public sealed record VerifyIntegrityRequest(string? BackupId = null, int MaxBackups = 10);

public sealed record IntegritySummary(int CopiesChecked, int Intact, IReadOnlyList<string> Damaged, IReadOnlyList<string> Unreachable);
