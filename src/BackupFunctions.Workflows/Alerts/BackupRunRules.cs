using System.Globalization;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// The rules judged after every backup run (pure; the <c>EvaluateBackupRun</c> activity feeds them from the catalog):
/// <list type="bullet">
/// <item>failed run: critical; partial run (a target failed): warning; a good run resolves both, a partial one the failure;</item>
/// <item>stored size more than <see cref="AlertRuleOptions.SizeDeviation"/> from the median of the last N good runs: warning;</item>
/// <item>duration over <see cref="AlertRuleOptions.MaxDuration"/>, or over <see cref="AlertRuleOptions.DurationFactor"/> × the median: warning.</item>
/// </list>
/// Each condition not met by a run that could judge it is resolved, so it clears by itself.
/// </summary>
public static class BackupRunRules
{
    /// <param name="history">Earlier successful runs of the same database, kind and tenant (stored bytes, duration), newest first.</param>
    public static IReadOnlyList<AlertDecision> Evaluate(BackupRunFacts run, IReadOnlyList<(long StoredBytes, TimeSpan Duration)> history, AlertRuleOptions rules)
    {
        var db = run.Database;
        var what = $"{run.Kind.ToLowerInvariant()} backup {run.BackupId} of {db ?? "the default database"}{(run.TenantId is null ? "" : $" (tenant {run.TenantId})")}";
        var failed = AlertKeys.BackupRun(db, run.Kind, run.TenantId, "Failed");
        var partial = AlertKeys.BackupRun(db, run.Kind, run.TenantId, "Partial");
        var decisions = new List<AlertDecision>();
        switch (run.Status)
        {
            case "Failed":
                decisions.Add(AlertDecision.Raised(failed, AlertSeverity.Critical, "backup.failed", $"The {what} failed: {run.Error}"));
                return decisions;
            case "Partial":
                decisions.Add(AlertDecision.Raised(partial, AlertSeverity.Warning, "backup.partial", $"The {what} is partial: {run.Error}"));
                decisions.Add(AlertDecision.Cleared(failed, $"{run.BackupId} stored at least one verified copy"));
                break;
            default:
                decisions.Add(AlertDecision.Cleared(failed, $"{run.BackupId} succeeded"));
                decisions.Add(AlertDecision.Cleared(partial, $"{run.BackupId} succeeded on every target"));
                break;
        }

        var past = history.Take(rules.HistoryCount).ToList();
        decisions.Add(SizeRule(run, what, past, rules));
        if (DurationRule(run, what, past, rules) is { } duration)
        {
            decisions.Add(duration);
        }

        return decisions;
    }

    private static AlertDecision SizeRule(BackupRunFacts run, string what, List<(long StoredBytes, TimeSpan Duration)> past, AlertRuleOptions rules)
    {
        var key = AlertKeys.BackupSize(run.Database, run.Kind, run.TenantId);
        if (past.Count < rules.MinHistory)
        {
            return AlertDecision.Cleared(key, $"{run.BackupId}: too little history ({past.Count} earlier runs) to judge its size");
        }

        var median = Median(past.Select(p => (double)p.StoredBytes));
        var deviation = median == 0 ? (run.StoredBytes == 0 ? 0 : double.PositiveInfinity) : Math.Abs(run.StoredBytes - median) / median;
        return deviation > rules.SizeDeviation
            ? AlertDecision.Raised(key, AlertSeverity.Warning, "backup.size",
                $"The {what} stored {run.StoredBytes:N0} bytes, {Percent(run.StoredBytes, median)} the median {median:N0} of the last {past.Count}: " +
                "check for lost or runaway data before the next run replaces the good copies.")
            : AlertDecision.Cleared(key, $"{run.BackupId} stored {run.StoredBytes:N0} bytes, within {rules.SizeDeviation:P0} of the median {median:N0}");
    }

    private static AlertDecision? DurationRule(BackupRunFacts run, string what, List<(long StoredBytes, TimeSpan Duration)> past, AlertRuleOptions rules)
    {
        var key = AlertKeys.BackupDuration(run.Database, run.Kind, run.TenantId);
        if (rules.MaxDuration is { } max && run.Duration > max)
        {
            return AlertDecision.Raised(key, AlertSeverity.Warning, "backup.slow", $"The {what} took {run.Duration:c}, over the limit {max:c}.");
        }

        if (past.Count >= rules.MinHistory)
        {
            var median = TimeSpan.FromTicks((long)Median(past.Select(p => (double)p.Duration.Ticks)));
            if (run.Duration >= rules.DurationFloor && run.Duration > median * rules.DurationFactor)
            {
                return AlertDecision.Raised(key, AlertSeverity.Warning, "backup.slow",
                    $"The {what} took {run.Duration:c}, over {rules.DurationFactor.ToString(CultureInfo.InvariantCulture)}× the median {median:c} of the last {past.Count}.");
            }
        }

        return AlertDecision.Cleared(key, $"{run.BackupId} took {run.Duration:c}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Percent(long value, double median) =>
        median == 0 ? "while" : $"{Math.Abs(value - median) / median:P0} {(value > median ? "above" : "below")}";
}
