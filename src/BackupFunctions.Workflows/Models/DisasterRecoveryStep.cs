namespace BackupFunctions.Workflows.Models;

/// <summary>One step of a DR run as it appears in the custom status and the report (times from the orchestration clock).</summary>
public sealed record DisasterRecoveryStep(int Number, string Name, string Status, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, double? Seconds, string? Detail)
{
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Done = "done";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
}
