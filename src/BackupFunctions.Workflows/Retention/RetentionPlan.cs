namespace BackupFunctions.Workflows.Retention;

/// <summary>The planner's decisions, one per copy, ordered by target, series and newest first.</summary>
public sealed record RetentionPlan(IReadOnlyList<RetentionDecision> Decisions, DateTimeOffset PlannedAt)
{
    public IEnumerable<RetentionDecision> ToDelete => Decisions.Where(d => d.Action == RetentionAction.Delete);

    public IEnumerable<RetentionDecision> For(string target) =>
        Decisions.Where(d => string.Equals(d.Copy.Target, target, StringComparison.OrdinalIgnoreCase));
}
