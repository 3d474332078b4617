namespace BackupFunctions.Workflows.Retention;

/// <summary>What an apply deleted, and the copies whose deletion failed (each retried by the next run).</summary>
public sealed record RetentionApplyResult(IReadOnlyList<RetentionDecision> Deleted, IReadOnlyList<string> Failed)
{
    /// <summary>Copies planned for deletion that a restore took a lease on before their turn: kept.</summary>
    public IReadOnlyList<RetentionDecision> LeasedSincePlan { get; init; } = [];
}
