namespace BackupFunctions.Workflows.Catalog;

/// <summary>A restore run; Kind is "restore", "test" or "dr".</summary>
public sealed record CatalogRestore(
    long Id,
    string BackupId,
    string Kind,
    string TargetDatabase,
    string? ServedBy,
    bool Succeeded,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    string? Error,
    string? InstanceId);
