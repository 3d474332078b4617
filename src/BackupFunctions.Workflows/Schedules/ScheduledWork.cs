namespace BackupFunctions.Workflows.Schedules;

/// <summary>
/// The work a schedule's unit must get done, as the catalog records it: a good backup of a kind (of a database or
/// tenant), a successful test restore of a database, or a base backup of the PITR cluster.
/// </summary>
/// <param name="What">One of <see cref="Backup"/>, <see cref="TestRestore"/>, <see cref="BaseBackup"/>.</param>
/// <param name="Kind">For a backup: "full", "tenant" or "files".</param>
public sealed record ScheduledWork(string What, string? Kind = null, string? Database = null, string? TenantId = null)
{
    public const string Backup = "backup";
    public const string TestRestore = "test-restore";
    public const string BaseBackup = "base-backup";

    /// <summary>Whether a backup run of this kind, database and tenant is this work (a good run of it clears a missed schedule).</summary>
    public bool IsBackupOf(string kind, string? database, string? tenantId) =>
        What == Backup
        && string.Equals(Kind, kind, StringComparison.OrdinalIgnoreCase)
        && (Kind == "files" || (Database is null || string.Equals(Database, database, StringComparison.Ordinal)))
        && string.Equals(TenantId, tenantId, StringComparison.Ordinal);
}
