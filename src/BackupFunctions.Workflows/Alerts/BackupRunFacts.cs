namespace BackupFunctions.Workflows.Alerts;

/// <summary>One finished backup run as the rules see it.</summary>
/// <param name="Status">"Succeeded", "Partial" or "Failed".</param>
public sealed record BackupRunFacts(string BackupId, string? Database, string Kind, string? TenantId, string Status, string? Error,
    long StoredBytes, TimeSpan Duration);
