namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// A 0–100 score with the reasons it is not 100, for GET /api/health, backupctl status and the dashboard. The first
/// seven fields are the original answer (kept for monitors that read them); <see cref="Checks"/> lists every check with
/// its deduction, and <see cref="Databases"/> the per-database picture behind them. docs/health.md has the formula.
/// </summary>
public sealed record HealthReport(
    int Score,
    string Status,
    IReadOnlyList<string> Reasons,
    DateTimeOffset? LastSuccessfulBackupAt,
    DateTimeOffset? LastSuccessfulTestRestoreAt,
    int OpenCriticalAlerts,
    int OpenWarningAlerts)
{
    public IReadOnlyList<HealthCheck> Checks { get; init; } = [];

    public IReadOnlyList<DatabaseHealth> Databases { get; init; } = [];

    /// <summary>The time the ages were measured against.</summary>
    public DateTimeOffset? EvaluatedAt { get; init; }
}

/// <summary>
/// One check of the score: its name (see <see cref="Health.HealthRules"/>), the database it is about (null for the
/// whole catalog), the points it took off (0 when it passed) and why, in words a person can act on.
/// </summary>
public sealed record HealthCheck(string Name, string? Database, int Deduction, string Reason)
{
    public bool Passed => Deduction == 0;
}

/// <summary>What the catalog says about one database: its newest full backup and test restore, and its failed copies.</summary>
public sealed record DatabaseHealth(
    string Database,
    DateTimeOffset? LastSuccessfulFullBackupAt,
    string? NewestFullBackupId,
    string? NewestFullBackupStatus,
    DateTimeOffset? NewestFullBackupAt,
    long? NewestFullBackupStoredBytes,
    int NewestFullBackupVerifiedCopies,
    DateTimeOffset? LastSuccessfulTestRestoreAt,
    int FailedCopyChecks);
