namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// Point-in-time recovery: where WAL and base backups go and how a push counts as durable
/// (section BackupFunctions:Pitr). See docs/pitr.md.
/// </summary>
public sealed class PitrOptions
{
    /// <summary>
    /// Names this cluster's archive inside every target (keys pitr/{Cluster}/...), so two clusters
    /// can share a bucket without mixing their WAL, whose segment names repeat across clusters.
    /// </summary>
    public string Cluster { get; set; } = "main";

    /// <summary>
    /// WAL archiving to <c>backupctl wal push</c> is set up for the source: the BaseBackup schedule and
    /// POST /api/basebackups run only then. The CLI (wal push/fetch, basebackup, restore --pitr) does not need it.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>Targets that receive WAL and base backups; empty means every configured target.</summary>
    public List<string> WalTargets { get; set; } = [];

    /// <summary>
    /// Copies a segment must have before <c>wal push</c> exits 0; null means every WAL target
    /// (PostgreSQL then retries the push until all hold it).
    /// </summary>
    public int? MinDurableCopies { get; set; }

    /// <summary>Segments after the asked-for one that <c>wal fetch</c> downloads at once into its cache.</summary>
    public int PrefetchSegments { get; set; } = 8;

    /// <summary>wal_segment_size of the cluster in MiB (16 unless initdb was given --wal-segsize); used to name the next segments.</summary>
    public int WalSegmentSizeMiB { get; set; } = 16;

    /// <summary>Where <c>wal fetch</c> keeps prefetched segments; default a folder in the temp directory per cluster.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// PITR retention: keep this many newest base backups per WAL target, and all WAL from the oldest kept one's start
    /// segment on; older base backups and WAL are deleted after each scheduled base backup. 0 (the default) deletes nothing.
    /// </summary>
    public int KeepBaseBackups { get; set; }

    /// <summary>The archiving check alerts when more finished segments than this wait to be archived (or a WAL target lacks that many).</summary>
    public int MaxPendingSegments { get; set; } = 4;

    /// <summary>The archiving check alerts when segments wait and nothing was archived for this long.</summary>
    public TimeSpan MaxArchiveDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The directory under which POST /api/restores/pitr may create a restored cluster's data directory (its dataDirectory
    /// is taken below this). Unset: PITR restores through the API are refused; <c>backupctl restore --pitr</c> is not limited by it.
    /// </summary>
    public string? RestoreDirectory { get; set; }

    /// <summary>
    /// How a server restored through the API runs <c>backupctl wal fetch</c>, with the settings that reach the same archive
    /// and keys, e.g. <c>backupctl wal fetch --config /etc/backupfunctions/backupfunctions.json</c>. The restore appends
    /// <c>--cache-dir DIR "%f" "%p"</c>. A setting, never a request field: it becomes a shell command the server runs.
    /// </summary>
    public string? WalFetchCommand { get; set; }

    /// <summary>When the host runs as root: the OS user that owns a data directory restored through the API and runs its server (PostgreSQL refuses root).</summary>
    public string? RestoreRunAs { get; set; }

    /// <summary>How long recovery of a restore through the API may take before it fails (the server is left for inspection).</summary>
    public TimeSpan RestoreTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Where a PITR restore of <paramref name="requested"/> goes: below <see cref="RestoreDirectory"/>, or a clear refusal.</summary>
    public string RestoreDataDirectory(string requested)
    {
        if (string.IsNullOrWhiteSpace(RestoreDirectory))
            throw new ArgumentException("PITR restores through the API are off: set BackupFunctions:Pitr:RestoreDirectory to the directory their data directories may be created below, or use 'backupctl restore --pitr TIME --to-datadir DIR' on the host.");
        var root = Path.GetFullPath(RestoreDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var path = Path.GetFullPath(Path.Combine(root, requested)).TrimEnd(Path.DirectorySeparatorChar);
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"dataDirectory '{requested}' is not below BackupFunctions:Pitr:RestoreDirectory ('{root}').");
        return path;
    }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Cluster) || !Cluster.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || Cluster.StartsWith('.'))
            yield return $"BackupFunctions:Pitr:Cluster '{Cluster}' is not valid: use letters, digits, '-', '_' and '.' (not first).";
        if (MinDurableCopies is < 1)
            yield return "BackupFunctions:Pitr:MinDurableCopies must be 1 or more (or unset for every WAL target).";
        if (PrefetchSegments is < 0 or > 64)
            yield return "BackupFunctions:Pitr:PrefetchSegments must be between 0 and 64.";
        if (WalSegmentSizeMiB < 1 || WalSegmentSizeMiB > 1024 || (WalSegmentSizeMiB & (WalSegmentSizeMiB - 1)) != 0)
            yield return "BackupFunctions:Pitr:WalSegmentSizeMiB must be a power of two between 1 and 1024 (PostgreSQL's wal_segment_size).";
        if (MaxPendingSegments < 1)
            yield return "BackupFunctions:Pitr:MaxPendingSegments must be 1 or more.";
        if (MaxArchiveDelay <= TimeSpan.Zero)
            yield return "BackupFunctions:Pitr:MaxArchiveDelay must be a positive time span (e.g. \"00:15:00\").";
        if (KeepBaseBackups < 0)
            yield return "BackupFunctions:Pitr:KeepBaseBackups must be 0 (keep everything) or more.";
        if (RestoreTimeout <= TimeSpan.Zero)
            yield return "BackupFunctions:Pitr:RestoreTimeout must be a positive time span (e.g. \"00:30:00\").";
    }
}
