namespace BackupFunctions.Workflows.Pitr;

/// <summary>A point-in-time restore into a new data directory.</summary>
/// <param name="TargetTime">Recover up to this moment (commits at or before it); null: to the end of the archive (latest).</param>
/// <param name="DataDirectory">Must not exist or be empty: a restore never writes over a directory that holds anything.</param>
/// <param name="Port">The port the restored server listens on (127.0.0.1 only).</param>
/// <param name="RestoreCommand">The restore_command to write (calls backupctl wal fetch with the right settings).</param>
/// <param name="RunAsUser">When running as root: the OS user that owns the directory and runs the server (PostgreSQL refuses root).</param>
/// <param name="Timeout">How long recovery may take before the restore gives up (the server is then stopped).</param>
public sealed record PitrRestoreRequest(DateTimeOffset? TargetTime, string DataDirectory, int Port, string RestoreCommand,
    string? RunAsUser = null, TimeSpan? Timeout = null);
