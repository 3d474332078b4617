namespace BackupFunctions.Workflows.Pitr;

/// <summary>What a point-in-time restore did and what the restored server reports.</summary>
/// <param name="LastReplayedTransaction">pg_last_xact_replay_timestamp(): the commit time of the last transaction replayed.</param>
/// <param name="RowCounts">Exact row counts of the user tables in <see cref="Database"/>, "schema.table".</param>
public sealed record PitrRestoreResult(
    string BaseBackupId,
    string ServedBy,
    DateTimeOffset? TargetTime,
    string DataDirectory,
    int Port,
    DateTimeOffset? LastReplayedTransaction,
    int Timeline,
    string Database,
    IReadOnlyDictionary<string, long> RowCounts,
    TimeSpan LayDownDuration,
    TimeSpan RecoveryDuration);
