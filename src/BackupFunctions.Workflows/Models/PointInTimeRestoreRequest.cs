namespace BackupFunctions.Workflows.Models;

/// <summary>
/// The body of POST /api/restores/pitr and the input of PitrRestoreOrchestrator:
/// {"cluster":"prod-main","targetTime":"2026-11-24T10:15:00Z","dataDirectory":"prod-main-1015","port":5433}.
/// The restored cluster is a new PostgreSQL data directory on the host that runs the restore, below
/// BackupFunctions:Pitr:RestoreDirectory; its server is started on 127.0.0.1:port and left running.
/// </summary>
public sealed record PointInTimeRestoreRequest
{
    /// <summary>The PITR cluster (archive) to restore; null means the host's BackupFunctions:Pitr:Cluster, and another name is refused.</summary>
    public string? Cluster { get; init; }

    /// <summary>An ISO 8601 time with an offset (commits at or before it are recovered), or "latest". Required.</summary>
    public string? TargetTime { get; init; }

    /// <summary>A new or empty directory, relative to (or inside) BackupFunctions:Pitr:RestoreDirectory. Required.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The port the restored server listens on, on 127.0.0.1 (1024–65535). Required.</summary>
    public int? Port { get; init; }

    /// <summary>Stop the restored server after it was verified (default: leave it running for the operator).</summary>
    public bool StopAfter { get; init; }
}
