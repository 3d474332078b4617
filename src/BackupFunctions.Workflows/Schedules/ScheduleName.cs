namespace BackupFunctions.Workflows.Schedules;

/// <summary>
/// The schedules the product has, with the defaults of DESIGN.md. Both hosts (the self-hosted timer and the Function
/// App's timer functions) run these names, so a schedule's instance ids are the same whichever host started it.
/// </summary>
public static class ScheduleName
{
    public const string FullBackup = "FullBackup";
    public const string TenantBackup = "TenantBackup";
    public const string FilesBackup = "FilesBackup";
    public const string IntegrityCheck = "IntegrityCheck";
    public const string Retention = "Retention";
    public const string TestRestore = "TestRestore";
    public const string BaseBackup = "BaseBackup";
    public const string WalArchivingCheck = "WalArchivingCheck";

    public static IReadOnlyDictionary<string, string> DefaultCron { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [FullBackup] = "0 0 2 * * *",
        [TenantBackup] = "0 0 3 * * 0",
        [FilesBackup] = "0 0 4 * * *",
        [IntegrityCheck] = "0 0 * * * *",
        [Retention] = "0 30 4 * * *",
        [TestRestore] = "0 0 5 1 * *",
        // Weekly: recovery replays at most a week of WAL, and WAL retention can free what is older than the oldest kept one.
        [BaseBackup] = "0 0 1 * * 0",
        // Every 5 minutes: an alert within minutes of archiving stopping, while the RPO is still minutes.
        [WalArchivingCheck] = "0 */5 * * * *",
    };

    /// <summary>The configured expression, trimmed, or the default when the setting is missing or blank.</summary>
    public static string CronOrDefault(string name, string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? DefaultCron[name] : configured.Trim();
}
