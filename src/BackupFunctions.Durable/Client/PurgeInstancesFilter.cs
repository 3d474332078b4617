namespace BackupFunctions.Durable;

/// <summary>Which finished instances to purge. Only Completed, Failed and Terminated instances are ever purged.</summary>
public sealed record PurgeInstancesFilter(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses = null);
