using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Retention;

/// <summary>
/// One retention pass: read what the targets hold, plan with <see cref="RetentionPlanner"/>, and (unless it is a dry
/// run) carry the plan out. The CLI's <c>retention plan</c>/<c>apply</c> and the <c>ApplyRetention</c> activity all
/// come through here, so they decide alike.
/// </summary>
public sealed class RetentionRun(IReadOnlyList<IBackupTarget> targets, KeyRing keys, RetentionOptions rules, IRetentionLedger? ledger, IBackupCatalog? catalog)
{
    /// <summary>Plans every target's copies. Touches nothing: it lists, reads manifests, and asks the targets about locks.</summary>
    public async Task<RetentionPlanResult> PlanAsync(DateTimeOffset now, CancellationToken ct)
    {
        var inventory = await RetentionInventory.ReadAsync(targets, keys, ct);
        var input = new RetentionPlanInput
        {
            Copies = inventory.Copies,
            RulesFor = rules.RulesFor,
            Now = now,
            MinVerifiedToKeep = rules.MinVerifiedToKeep,
            Leases = ledger is null ? new Dictionary<string, DateTimeOffset>() : await ledger.ActiveLeasesAsync(ct),
            UnfinishedDeletions = ledger is null ? new HashSet<string>() : await ledger.UnfinishedDeletionsAsync(ct),
        };

        // Locks decide only between "delete" and "skip", so they are asked for the copies that would go, not for all.
        var plan = RetentionPlanner.Plan(input);
        var locks = await LocksAsync(plan.ToDelete.Select(d => d.Copy), ct);
        if (locks.Count > 0)
        {
            var copies = input.Copies.Select(c => locks.TryGetValue(c, out var until) ? c with { LockedUntil = until } : c).ToList();
            plan = RetentionPlanner.Plan(input with { Copies = copies });
        }

        var warnings = inventory.Warnings.ToList();
        if (ledger is null)
            warnings.Add("No control database: restore leases and unfinished deletions are not known, so this plan cannot see them.");
        return new RetentionPlanResult(plan, inventory.Unreachable, warnings);
    }

    /// <summary>
    /// Deletes what <paramref name="plan"/> marks for deletion in <paramref name="target"/> (every target when null):
    /// the ledger first, then the artifact, then the manifest, then the catalog's copy. A failing copy is reported and
    /// the others proceed.
    /// </summary>
    public async Task<RetentionApplyResult> ApplyAsync(RetentionPlan plan, string? target, string? instanceId, CancellationToken ct)
    {
        if (ledger is null)
            throw new InvalidOperationException("Retention deletes only with a control database (BackupFunctions:Control:ConnectionString): each deletion is recorded there first.");

        var deleted = new List<RetentionDecision>();
        var failed = new List<string>();
        var leased = new List<RetentionDecision>();
        var decisions = target is null ? plan.Decisions : plan.For(target).ToList();
        foreach (var d in decisions.Where(d => d.Action == RetentionAction.Delete))
        {
            var store = targets.First(t => string.Equals(t.Name, d.Copy.Target, StringComparison.OrdinalIgnoreCase));
            // A restore may have started since the plan was made: its lease wins.
            if ((await ledger.ActiveLeasesAsync(ct)).ContainsKey(d.Copy.BackupId))
            {
                leased.Add(d);
                continue;
            }

            try
            {
                await ledger.BeginDeletionAsync(d.Copy.BackupId, store.Name, d.Copy.ArtifactKey, d.Copy.ManifestKey, d.Rule, d.Reason, instanceId, ct);
                // The artifact first: while the manifest stays, the next run sees an orphan manifest and finishes the job,
                // and nothing ever reads the manifest as a good copy since its artifact is checked to be there.
                await store.DeleteAsync(d.Copy.ArtifactKey, ct);
                await store.DeleteAsync(d.Copy.ManifestKey, ct);
                if (catalog is not null)
                    await catalog.RemoveCopyAsync(d.Copy.BackupId, store.Name, ct);
                await ledger.CompleteDeletionAsync(d.Copy.BackupId, store.Name, ct);
                deleted.Add(d);
            }
            catch (TargetException e)
            {
                failed.Add($"{d.Copy.BackupId} in '{store.Name}': {e.Message}");
            }
        }

        return new RetentionApplyResult(deleted, failed) { LeasedSincePlan = leased };
    }

    private async Task<Dictionary<RetentionCopy, DateTimeOffset>> LocksAsync(IEnumerable<RetentionCopy> copies, CancellationToken ct)
    {
        var locks = new Dictionary<RetentionCopy, DateTimeOffset>();
        foreach (var copy in copies)
        {
            var store = targets.First(t => string.Equals(t.Name, copy.Target, StringComparison.OrdinalIgnoreCase));
            DateTimeOffset? until = null;
            foreach (var key in new[] { copy.ArtifactKey, copy.ManifestKey })
            {
                var info = await store.StatAsync(key, ct);
                if (info?.RetainUntil is { } u && (until is null || u > until)) until = u;
            }

            if (until is { } lockedUntil) locks[copy] = lockedUntil;
        }

        return locks;
    }
}
