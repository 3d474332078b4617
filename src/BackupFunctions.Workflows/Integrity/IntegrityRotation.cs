using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Integrity;

/// <summary>
/// Which copies one integrity run reads back whole. With N copies, a period P and a run every I, there are
/// R = max(1, floor(P / I)) runs per period and each reads S = ceil(N / R) copies, oldest full read first. A copy read
/// now goes to the back of the queue, so R runs read R·S ≥ N distinct copies: every copy within P. Copies whose last
/// full read is older than P − I are read now whatever S says (they would be late by the next run: new backups, missed
/// runs, a shortened period), and copies marked corrupt are re-read every run so a repair or a fix by hand is seen.
/// </summary>
public static class IntegrityRotation
{
    public static int RunsPerPeriod(TimeSpan period, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "The run interval must be positive.");
        return (int)Math.Clamp(Math.Floor(period / interval), 1, int.MaxValue);
    }

    public static int SliceSize(int copies, int runsPerPeriod)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(copies);
        ArgumentOutOfRangeException.ThrowIfLessThan(runsPerPeriod, 1);
        return (int)(((long)copies + runsPerPeriod - 1) / runsPerPeriod);
    }

    /// <summary>Splits the copies into this run's full reads and the rest (cheap checks only).</summary>
    public static RotationPlan Plan(IReadOnlyList<CatalogCopyState> copies, DateTimeOffset now, IntegrityOptions options)
    {
        var runs = RunsPerPeriod(options.FullCyclePeriod, options.RunInterval);
        var corrupt = copies.Where(c => c.MarkedCorrupt).ToList();
        var queue = copies.Where(c => !c.MarkedCorrupt)
            .OrderBy(c => c.LastFullRead ?? DateTimeOffset.MinValue)
            .ThenBy(c => c.BackupId, StringComparer.Ordinal)
            .ThenBy(c => c.Target, StringComparer.Ordinal)
            .ToList();
        var slice = SliceSize(queue.Count, runs);
        var lateAfter = now - (options.FullCyclePeriod - options.RunInterval);
        var overdue = queue.Count(c => c.LastFullRead is not { } at || at <= lateAfter);
        var take = Math.Max(slice, overdue);
        return new RotationPlan([.. corrupt, .. queue.Take(take)], queue.Skip(take).ToList(), slice, runs, overdue);
    }
}

/// <param name="FullReads">Read back whole this run: the marked-corrupt copies, then the slice (oldest first).</param>
/// <param name="Others">Not due this run: cheap checks only.</param>
/// <param name="SliceSize">ceil(N / runs per period), N being the copies not marked corrupt.</param>
/// <param name="Overdue">How many would be late by the next run (taken even beyond the slice).</param>
public sealed record RotationPlan(IReadOnlyList<CatalogCopyState> FullReads, IReadOnlyList<CatalogCopyState> Others, int SliceSize, int RunsPerPeriod, int Overdue);
