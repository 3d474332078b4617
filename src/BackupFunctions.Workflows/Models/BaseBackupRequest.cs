namespace BackupFunctions.Workflows.Models;

/// <summary>
/// POST /api/basebackups and the BaseBackup schedule: a base backup of the source cluster for point-in-time recovery,
/// to the WAL targets (BackupFunctions:Pitr). It has no fields yet: the cluster, targets and key all come from the
/// settings, so the WAL archive and its base backups cannot be split across targets by a request.
/// </summary>
public sealed record BaseBackupRequest;
