using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>One WAL target's newest archived segment, or why it could not be listed.</summary>
public sealed record WalTargetPosition(string Target, string? NewestSegment, long SegmentsBehindServer, string? Error = null);

/// <summary>The archiving check's findings; <see cref="Problems"/> empty means archiving keeps up.</summary>
public sealed record WalArchivingReport(
    string Host, string CurrentWalFile, string? LastArchivedWal, DateTimeOffset? LastArchivedAt, long PendingSegments,
    long FailedCount, bool Failing, IReadOnlyList<WalTargetPosition> Targets, IReadOnlyList<string> Problems)
{
    /// <summary>critical when archive_command fails (WAL piles up in pg_wal and the RPO grows without bound), else warning.</summary>
    public string Severity => Failing ? "critical" : "warning";
}

/// <summary>
/// Compares the server's WAL position with what is archived: pg_stat_archiver (the server's view of archive_command)
/// and the newest segment each WAL target holds (what wal push actually stored). Behind means: the latest
/// archive_command failed; more finished segments wait than <see cref="PitrOptions.MaxPendingSegments"/>; some wait
/// and nothing was archived for <see cref="PitrOptions.MaxArchiveDelay"/>; or a WAL target lacks segments the server
/// counts as archived (a target that missed pushes, e.g. with MinDurableCopies below the number of targets).
/// </summary>
public sealed class WalArchivingCheck(BackupEnvironment env)
{
    public async Task<WalArchivingReport> RunAsync(CancellationToken ct = default)
    {
        var pitr = env.Options.Pitr;
        var source = env.Source();
        var stats = await WalArchiverStats.ReadAsync(source.ToNpgsqlConnectionString(), ct);
        var current = WalFileName.SegmentNumber(stats.CurrentWalFile, pitr.WalSegmentSizeMiB);
        var problems = new List<string>();
        if (stats.ArchiveMode == "off")
            problems.Add($"archive_mode is off on {source.Host}:{source.Port}: no WAL is archived, so point-in-time recovery is impossible.");

        long pending = 0;
        var lastSegment = WalFileName.SegmentOf(stats.LastArchivedWal);
        if (lastSegment is { } last)
        {
            // The segment being written is not finished; everything between it and the last archived one is waiting.
            pending = SameTimeline(last, stats.CurrentWalFile) ? Math.Max(0, current - WalFileName.SegmentNumber(last, pitr.WalSegmentSizeMiB) - 1) : 0;
        }

        if (stats.Failing)
            problems.Add($"archive_command is failing: the latest attempt ({stats.LastFailedWal} at {stats.LastFailedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}) failed, {stats.FailedCount} failure(s) since the statistics were reset. See the server log for wal push's error.");
        if (pending >= pitr.MaxPendingSegments)
            problems.Add($"{pending} finished WAL segment(s) are waiting to be archived (threshold {pitr.MaxPendingSegments}); the server writes {stats.CurrentWalFile}, the last archived is {stats.LastArchivedWal}.");
        else if (pending > 0 && stats.LastArchivedAt is { } at && stats.ServerNow - at > pitr.MaxArchiveDelay)
            problems.Add($"{pending} finished WAL segment(s) are waiting and nothing was archived for {(stats.ServerNow - at).TotalMinutes:0} minutes (threshold {pitr.MaxArchiveDelay.TotalMinutes:0}).");

        var positions = new List<WalTargetPosition>();
        foreach (var target in WalTargets.Select(env))
        {
            var position = await NewestAsync(target, pitr.Cluster, lastSegment, ct);
            positions.Add(position);
            if (position.Error is not null)
                problems.Add($"WAL target '{target.Name}' could not be listed: {position.Error}");
            else if (position.SegmentsBehindServer >= pitr.MaxPendingSegments)
                problems.Add($"WAL target '{target.Name}' holds segments up to {position.NewestSegment ?? "none"}, {position.SegmentsBehindServer} behind the server's last archived {lastSegment}.");
        }

        return new WalArchivingReport($"{source.Host}:{source.Port}", stats.CurrentWalFile, lastSegment ?? stats.LastArchivedWal, stats.LastArchivedAt, pending,
            stats.FailedCount, stats.Failing, positions, problems);
    }

    private async Task<WalTargetPosition> NewestAsync(IBackupTarget target, string cluster, string? lastSegment, CancellationToken ct)
    {
        string? newest = null;
        try
        {
            var prefix = PitrKeys.WalPrefix(cluster);
            await foreach (var item in target.ListAsync(prefix, ct))
            {
                // The record is written after the artifact: a segment counts only once its record is there.
                if (!item.Key.EndsWith(".json", StringComparison.Ordinal)) continue;
                var name = item.Key[prefix.Length..^".json".Length];
                if (WalFileName.IsSegment(name) && string.CompareOrdinal(name, newest) > 0) newest = name;
            }
        }
        catch (TargetException e)
        {
            return new WalTargetPosition(target.Name, null, 0, e.Message);
        }

        var size = env.Options.Pitr.WalSegmentSizeMiB;
        long behind = 0;
        if (lastSegment is { } last)
        {
            behind = newest is null
                ? WalFileName.SegmentNumber(last, size) + 1
                : SameTimeline(newest, last) ? Math.Max(0, WalFileName.SegmentNumber(last, size) - WalFileName.SegmentNumber(newest, size)) : 0;
        }

        return new WalTargetPosition(target.Name, newest, behind);
    }

    private static bool SameTimeline(string a, string b) => string.CompareOrdinal(a, 0, b, 0, 8) == 0;
}
