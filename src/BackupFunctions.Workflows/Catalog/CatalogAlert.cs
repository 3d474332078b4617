namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// Severity is "critical", "warning" or "info". An alert is open until resolved (its condition cleared);
/// an admin's acknowledgement silences it without ending it.
/// </summary>
public sealed record CatalogAlert(
    long Id,
    string Severity,
    string Code,
    string Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    int Occurrences,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    string? InstanceId)
{
    public string? DedupeKey { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? ResolvedReason { get; init; }
}
