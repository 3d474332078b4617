namespace BackupFunctions.Workflows.Models;

/// <summary>
/// Input of DisasterRecoveryOrchestrator, and the body of POST /api/dr / the options of backupctl dr:
/// {"backupId":"latest","database":"app","targetConnectionString":"Host=new-db;Username=postgres","targetDatabase":null,
///  "skipApproval":false,"rtoTarget":"01:00:00"}.
/// </summary>
public sealed record DisasterRecoveryRequest
{
    /// <summary>A backup id, or "latest" (the newest with a verified copy on the targets).</summary>
    public string BackupId { get; init; } = "latest";

    /// <summary>With "latest": the source database whose newest backup is meant.</summary>
    public string? Database { get; init; }

    /// <summary>
    /// Npgsql connection string of the new server, without a password (requests are stored in the
    /// orchestration history; the password comes from a .pgpass file). Required.
    /// </summary>
    public string TargetConnectionString { get; init; } = "";

    /// <summary>Database to create on the new server; null means the connection string's database, else the backup's.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Restore without waiting for the "Approve" event. An explicit choice of the caller.</summary>
    public bool SkipApproval { get; init; }

    /// <summary>Recovery time objective: the time to recover is reported against it, and an alert is raised when exceeded.</summary>
    public TimeSpan RtoTarget { get; init; } = TimeSpan.FromHours(1);
}
