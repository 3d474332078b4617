namespace BackupFunctions.Workflows.Models;

/// <summary>
/// Output (and, while running, custom status) of DisasterRecoveryOrchestrator: every step with its
/// timing, what was restored from where, what was verified, and the time to recover against the RTO.
/// </summary>
public sealed class DisasterRecoveryReport
{
    /// <summary>"running", "waiting for approval", "succeeded" or "failed".</summary>
    public string Status { get; set; } = "running";

    /// <summary>The step in progress (or the one that failed).</summary>
    public string? CurrentStep { get; set; }

    public List<DisasterRecoveryStep> Steps { get; set; } = [];

    public string? BackupId { get; set; }

    public string? SourceDatabase { get; set; }

    public DateTimeOffset? BackupCreatedAt { get; set; }

    /// <summary>Targets holding a verified copy of the chosen backup.</summary>
    public List<string> FoundIn { get; set; } = [];

    /// <summary>The target the restore actually read from.</summary>
    public string? ServedBy { get; set; }

    /// <summary>The new server (user@host:port, never a password) and the database created on it.</summary>
    public string? TargetServer { get; set; }

    public string? TargetDatabase { get; set; }

    public string? TargetServerVersion { get; set; }

    public string? ApprovedBy { get; set; }

    public int TablesVerified { get; set; }

    public long RowsVerified { get; set; }

    public List<string> Mismatches { get; set; } = [];

    public List<PostCheckResult> PostChecks { get; set; } = [];

    public CutoverResult? Cutover { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>From the start of the orchestration (approval wait included) to the end of cutover (step 8), in seconds.</summary>
    public double? TimeToRecoverSeconds { get; set; }

    public double RtoTargetSeconds { get; set; }

    public bool? RtoMet { get; set; }

    public string? Error { get; set; }
}
