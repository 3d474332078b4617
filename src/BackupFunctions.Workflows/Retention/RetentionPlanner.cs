using System.Globalization;

namespace BackupFunctions.Workflows.Retention;

/// <summary>
/// Decides, for every copy in every target, whether retention keeps or deletes it, and which rule decided. Pure: the
/// same input gives the same plan, so <c>backupctl retention plan</c>, <c>apply</c> and the scheduled orchestration
/// agree, and every rule is unit-tested without a server.
/// </summary>
/// <remarks>
/// A copy is kept when any of these holds, checked in this order (the first is reported as the rule):
/// <list type="number">
/// <item><b>newest-verified</b>: it is the newest backup of its series (kind, database, tenant) that has a verified
/// copy anywhere; that backup is kept on <em>every</em> target that holds it, whatever the rules say.</item>
/// <item><b>min-verified</b>: it is among the newest <see cref="RetentionPlanInput.MinVerifiedToKeep"/> copies verified
/// on its own target, so each target keeps something restorable even when another target is lost.</item>
/// <item><b>restore-lease</b>: a running restore reads the backup.</item>
/// <item><b>keep-days</b>, <b>keep-count</b>, <b>gfs-daily</b>, <b>gfs-weekly</b>, <b>gfs-monthly</b>: the target's
/// rules for the kind. Grandfather-father-son keeps, for each of the newest N days (ISO weeks, months) that have a
/// copy, that bucket's newest verified copy, or its newest copy when none is verified.</item>
/// </list>
/// Otherwise it is deleted (<b>expired</b>), or skipped when the target locks it (<see cref="RetentionAction.Locked"/>).
/// A manifest whose artifact is gone is never a good copy: it is finished (<b>orphan-manifest</b>) when a deletion of it
/// was started, and otherwise kept as damage for the integrity check (<b>artifact-missing</b>).
/// </remarks>
public static class RetentionPlanner
{
    public static RetentionPlan Plan(RetentionPlanInput input)
    {
        var good = input.Copies.Where(c => c.ArtifactPresent && !c.Unreachable).ToList();
        var newestVerified = input.Copies.Where(c => c.ArtifactPresent && c.Verified)
            .GroupBy(c => c.Series, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Newest(g).First().BackupId, StringComparer.Ordinal);

        var decisions = new List<RetentionDecision>();
        foreach (var series in good.GroupBy(c => (Target: c.Target.ToLowerInvariant(), c.Series)))
        {
            var ordered = Newest(series).ToList();
            var first = ordered[0];
            var rules = input.RulesFor(first.Target, first.Kind);
            decisions.AddRange(DecideSeries(input, ordered, rules, newestVerified.GetValueOrDefault(first.Series)));
        }

        decisions.AddRange(input.Copies.Where(c => !c.ArtifactPresent && !c.Unreachable).Select(c => DecideOrphan(input, c)));
        var sorted = decisions
            .OrderBy(d => d.Copy.Target, StringComparer.OrdinalIgnoreCase)
            .ThenBy(d => d.Copy.Series, StringComparer.Ordinal)
            .ThenByDescending(d => d.Copy.CreatedAt)
            .ThenByDescending(d => d.Copy.BackupId, StringComparer.Ordinal)
            .ToList();
        return new RetentionPlan(sorted, input.Now);
    }

    private static IEnumerable<RetentionDecision> DecideSeries(RetentionPlanInput input, List<RetentionCopy> ordered, RetentionRules rules, string? newestVerifiedId)
    {
        var minVerified = Math.Max(1, input.MinVerifiedToKeep);
        var verifiedHere = ordered.Where(c => c.Verified).Take(minVerified).Select(c => c.BackupId).ToHashSet(StringComparer.Ordinal);
        var daily = GfsBuckets(ordered, c => c.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), rules.Daily);
        var weekly = GfsBuckets(ordered, c => IsoWeek(c.CreatedAt), rules.Weekly);
        var monthly = GfsBuckets(ordered, c => c.CreatedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture), rules.Monthly);

        for (var i = 0; i < ordered.Count; i++)
        {
            var copy = ordered[i];
            var ageDays = (input.Now - copy.CreatedAt).TotalDays;
            var keeps = new List<(string Rule, string Why)>();
            if (copy.BackupId == newestVerifiedId)
                keeps.Add(("newest-verified", $"the newest verified backup of {copy.Series}, kept on every target"));
            if (verifiedHere.Contains(copy.BackupId) && copy.BackupId != newestVerifiedId)
                keeps.Add(("min-verified", $"one of the newest {minVerified} copies verified on '{copy.Target}'"));
            if (input.Leases.TryGetValue(copy.BackupId, out var leaseEnd))
                keeps.Add(("restore-lease", $"a running restore reads it (lease until {leaseEnd:u})"));
            if (rules.KeepDays > 0 && ageDays < rules.KeepDays)
                keeps.Add(("keep-days", $"{ageDays:0.#} days old, keep-days {rules.KeepDays}"));
            if (rules.KeepCount > 0 && i < rules.KeepCount)
                keeps.Add(("keep-count", $"#{i + 1} newest, keep-count {rules.KeepCount}"));
            if (daily.TryGetValue(copy.BackupId, out var day))
                keeps.Add(("gfs-daily", $"the copy of day {day}, daily {rules.Daily}"));
            if (weekly.TryGetValue(copy.BackupId, out var week))
                keeps.Add(("gfs-weekly", $"the copy of week {week}, weekly {rules.Weekly}"));
            if (monthly.TryGetValue(copy.BackupId, out var month))
                keeps.Add(("gfs-monthly", $"the copy of month {month}, monthly {rules.Monthly}"));

            if (keeps.Count > 0)
            {
                yield return new RetentionDecision(copy, RetentionAction.Keep, keeps[0].Rule, "kept: " + string.Join("; ", keeps.Select(k => k.Why)));
                continue;
            }

            var why = $"no rule keeps it ({rules}): {ageDays:0.#} days old, #{i + 1} newest";
            yield return Expire(input, copy, "expired", why);
        }
    }

    private static RetentionDecision DecideOrphan(RetentionPlanInput input, RetentionCopy copy)
    {
        if (input.UnfinishedDeletions.Contains(RetentionPlanInput.DeletionKey(copy.BackupId, copy.Target)))
            return Expire(input, copy, "orphan-manifest", "its artifact is gone and its deletion was started: finishing it (the manifest goes)");

        return new RetentionDecision(copy, RetentionAction.Keep, "artifact-missing",
            "its manifest is here but its artifact is not, and no deletion of it was recorded: damage, left for the integrity check (not counted as a good copy)");
    }

    private static RetentionDecision Expire(RetentionPlanInput input, RetentionCopy copy, string rule, string why) =>
        copy.LockedUntil is { } until && until > input.Now
            ? new RetentionDecision(copy, RetentionAction.Locked, "locked", $"locked until {until:u}; would go: {why}")
            : new RetentionDecision(copy, RetentionAction.Delete, rule, why);

    /// <summary>For each of the newest <paramref name="count"/> buckets that hold a copy, its newest verified copy (else its newest), with the bucket's name.</summary>
    private static Dictionary<string, string> GfsBuckets(List<RetentionCopy> newestFirst, Func<RetentionCopy, string> bucketOf, int count)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        if (count <= 0) return kept;
        foreach (var bucket in newestFirst.GroupBy(bucketOf, StringComparer.Ordinal).Take(count))
        {
            var pick = bucket.FirstOrDefault(c => c.Verified) ?? bucket.First();
            kept[pick.BackupId] = bucket.Key;
        }

        return kept;
    }

    private static string IsoWeek(DateTimeOffset at)
    {
        var d = at.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(d)}-W{ISOWeek.GetWeekOfYear(d):00}");
    }

    private static IOrderedEnumerable<RetentionCopy> Newest(IEnumerable<RetentionCopy> copies) =>
        copies.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.BackupId, StringComparer.Ordinal);
}
