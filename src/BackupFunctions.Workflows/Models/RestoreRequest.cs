namespace BackupFunctions.Workflows.Models;

/// <summary>
/// Input of RestoreOrchestrator and TestRestoreOrchestrator, and the body of POST /api/restores:
/// {"backupId":"latest","database":"app","targetConnectionString":null,"targetDatabase":null,"test":false,"mode":"restore"}.
/// With no target connection string the restore goes to a scratch database on the configured
/// scratch server, which a test restore drops afterwards.
/// </summary>
public sealed record RestoreRequest
{
    /// <summary>A backup id, or "latest" (newest with a verified copy).</summary>
    public string BackupId { get; init; } = "latest";

    /// <summary>With "latest": the source database whose newest backup is meant.</summary>
    public string? Database { get; init; }

    /// <summary>Npgsql connection string of the destination server; null means the scratch server.</summary>
    public string? TargetConnectionString { get; init; }

    /// <summary>Destination database name; null means the connection string's, or a generated scratch name.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>
    /// A test restore: into a scratch database, compared with the manifest, recorded, and dropped
    /// (TestRestoreOrchestrator). Target settings are ignored then.
    /// </summary>
    public bool Test { get; init; }

    /// <summary>
    /// "restore" (default), or "merge": load a tenant backup's data into an existing database that
    /// holds other tenants, without touching them (<see cref="Restore.Merge.TenantMergeRunner"/>).
    /// A merge needs an explicit tenant backup id and a targetConnectionString naming an existing database.
    /// </summary>
    public string Mode { get; init; } = RestoreModes.Restore;

    /// <summary>With "merge": delete the tenant's rows already in the target (same transaction) instead of refusing.</summary>
    public bool ReplaceTenantRows { get; init; }

    /// <summary>
    /// For a files backup: the new or empty directory the files are restored into, relative to (or inside)
    /// BackupFunctions:Restore:FilesDirectory on the host that runs the restore. Database fields are ignored then.
    /// </summary>
    public string? TargetDirectory { get; init; }
}
