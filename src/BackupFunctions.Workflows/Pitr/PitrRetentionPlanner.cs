namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// Decides what PITR retention may delete on one target, from what that target holds, without I/O. A restore from a
/// base backup replays WAL from its start segment on (on its timeline and later ones), so every WAL file whose segment
/// comes before the start segment of the oldest kept base backup is needed by no kept backup, whatever its timeline.
/// Timeline history files are never deleted (tiny, and recovery across a promotion reads them).
/// </summary>
public static class PitrRetentionPlanner
{
    /// <param name="baseBackups">The base backups whose manifests this target holds and that verified.</param>
    /// <param name="walFiles">The WAL file names this target holds (artifact or record).</param>
    /// <param name="unreadable">Manifests of this target that could not be read or verified: any blocks every deletion.</param>
    public static PitrRetentionPlan Plan(string target, int keep, IReadOnlyList<BaseBackupManifest> baseBackups, IReadOnlyCollection<string> walFiles,
        IReadOnlyList<string> unreadable, int segmentSizeMiB)
    {
        if (keep < 1) throw new ArgumentOutOfRangeException(nameof(keep), "Pitr:KeepBaseBackups must be 1 or more for retention to run.");
        if (unreadable.Count > 0)
        {
            return new PitrRetentionPlan(target, keep, [], [], null, [], walFiles.Count,
                $"Retention skipped on '{target}': {unreadable.Count} base manifest(s) could not be read or verified, and one of them could be a backup to keep: {string.Join("; ", unreadable)}");
        }

        if (baseBackups.Count == 0)
        {
            // WAL without any base backup restores nothing, but it may be the start of an archive whose first base backup is running.
            return new PitrRetentionPlan(target, keep, [], [], null, [], walFiles.Count);
        }

        var ordered = baseBackups.OrderBy(b => b.CompletedAt).ThenBy(b => b.BackupId, StringComparer.Ordinal).ToList();
        var kept = ordered.Skip(Math.Max(0, ordered.Count - keep)).ToList();
        var deletable = ordered.Take(ordered.Count - kept.Count).Select(b => b.BackupId).ToList();
        var oldestStart = kept.MinBy(b => WalFileName.SegmentNumber(b.StartWalFile, segmentSizeMiB))!;
        var cutoff = WalFileName.SegmentNumber(oldestStart.StartWalFile, segmentSizeMiB);
        var deletableWal = walFiles
            .Where(f => WalFileName.SegmentOf(f) is { } segment && WalFileName.SegmentNumber(segment, segmentSizeMiB) < cutoff)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new PitrRetentionPlan(target, keep, kept.Select(b => b.BackupId).ToList(), deletable, oldestStart.StartWalFile, deletableWal,
            walFiles.Count - deletableWal.Count);
    }
}
