namespace BackupFunctions.Workflows.Catalog;

/// <summary>Severity is "critical", "warning" or "info".</summary>
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
    string? InstanceId);
