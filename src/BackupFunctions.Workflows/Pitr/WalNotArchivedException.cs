namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// No WAL target holds the file. Normal during recovery (PostgreSQL probes for the next segment and
/// for timeline history files), so <c>wal fetch</c> reports it with exit 1 and no noise.
/// </summary>
public sealed class WalNotArchivedException(string walFile)
    : Exception($"{walFile} is not in the WAL archive.")
{
    public string WalFile { get; } = walFile;
}
