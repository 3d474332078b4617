namespace BackupFunctions.Workflows.Retention;

/// <summary>A plan, the targets that could not be listed (nothing of theirs is decided), and what else the reader should know.</summary>
public sealed record RetentionPlanResult(RetentionPlan Plan, IReadOnlyList<string> Unreachable, IReadOnlyList<string> Warnings);
