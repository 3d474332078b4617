namespace BackupFunctions.Workflows.Retention;

/// <summary>The planner's verdict on one copy, with the rule that decided it and a sentence a person can read.</summary>
/// <param name="Copy">The copy.</param>
/// <param name="Action">Keep, delete, or skipped because locked.</param>
/// <param name="Rule">The deciding rule, short and stable (e.g. "keep-days", "gfs-monthly", "newest-verified", "expired", "orphan-manifest").</param>
/// <param name="Reason">Why, with the numbers.</param>
public sealed record RetentionDecision(RetentionCopy Copy, RetentionAction Action, string Rule, string Reason);
