namespace BackupFunctions.Workflows.Catalog;

/// <summary>A 0–100 score with the reasons it is not 100, for GET /api/health and the dashboard.</summary>
public sealed record HealthReport(
    int Score,
    string Status,
    IReadOnlyList<string> Reasons,
    DateTimeOffset? LastSuccessfulBackupAt,
    DateTimeOffset? LastSuccessfulTestRestoreAt,
    int OpenCriticalAlerts,
    int OpenWarningAlerts);
