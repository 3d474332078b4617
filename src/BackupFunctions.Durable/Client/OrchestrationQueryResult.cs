namespace BackupFunctions.Durable;

/// <summary>One page of a query; pass <see cref="ContinuationToken"/> back for the next (null at the end).</summary>
public sealed record OrchestrationQueryResult(IReadOnlyList<OrchestrationMetadata> Items, string? ContinuationToken);
