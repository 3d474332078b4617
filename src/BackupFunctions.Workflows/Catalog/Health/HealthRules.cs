namespace BackupFunctions.Workflows.Catalog.Health;

/// <summary>
/// The check names and the points each takes off. They are the documented formula (docs/health.md): change one here
/// and there together.
/// </summary>
public static class HealthRules
{
    public const string FullBackupAge = "full-backup-age";
    public const string TestRestoreAge = "test-restore-age";
    public const string NewestFullBackup = "newest-full-backup";
    public const string FailedCopyChecks = "failed-copy-checks";
    public const string CriticalAlerts = "critical-alerts";
    public const string WarningAlerts = "warning-alerts";

    /// <summary>A nightly schedule plus two hours of slack.</summary>
    public static readonly TimeSpan FullBackupMaxAge = TimeSpan.FromHours(26);

    /// <summary>A monthly test restore plus four days of slack.</summary>
    public static readonly TimeSpan TestRestoreMaxAge = TimeSpan.FromDays(35);

    public const int StaleFullBackup = 40;
    public const int StaleTestRestore = 20;

    /// <summary>The newest full backup did not reach every target (Partial) or reached none (Failed): a target is unreachable or refusing.</summary>
    public const int NewestFullBackupNotSucceeded = 10;

    public const int PerFailedCopyCheck = 10;
    public const int FailedCopyChecksCap = 30;
    public const int PerCriticalAlert = 15;
    public const int CriticalAlertsCap = 45;
    public const int PerWarningAlert = 5;
    public const int WarningAlertsCap = 15;

    public const int HealthyFrom = 80;
    public const int DegradedFrom = 50;
}
