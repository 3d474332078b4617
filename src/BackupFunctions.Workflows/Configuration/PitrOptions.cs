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
    }
}
