namespace BackupFunctions.Workflows.Configuration;

/// <summary>Settings of the disaster-recovery orchestration: section BackupFunctions:DisasterRecovery.</summary>
public sealed class DisasterRecoveryOptions
{
    /// <summary>How long a DR run waits for the "Approve" event before it fails (default 24 hours).</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Queries run in the restored database after the row-count check; each must return a single true.</summary>
    public List<PostCheckOptions> PostChecks { get; set; } = [];

    /// <summary>Called with POST and the DR report as JSON once the database is restored and checked; empty skips cutover.</summary>
    public string? CutoverWebhookUrl { get; set; }

    /// <summary>How long the cutover webhook may take to answer.</summary>
    public TimeSpan CutoverTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
