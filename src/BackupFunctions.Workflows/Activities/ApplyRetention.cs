using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Retention;

namespace BackupFunctions.Workflows.Activities;

/// <summary>What retention did on one target.</summary>
/// <param name="Target">The target.</param>
/// <param name="KeepDays">Its age rule for full backups (0 = off), as a summary of its rules.</param>
/// <param name="Deleted">The backups whose copy here was deleted.</param>
/// <param name="Kept">Copies kept (including locked ones).</param>
public sealed record RetentionResult(string Target, int KeepDays, IReadOnlyList<string> Deleted, int Kept)
{
    /// <summary>Copies that would have gone but the target locks (immutability): skipped, not an error.</summary>
    public int Locked { get; init; }

    /// <summary>Copies whose deletion failed; the next run tries again.</summary>
    public IReadOnlyList<string> Failed { get; init; } = [];
}

/// <summary>
/// Applies retention to one target: plans across all targets with <see cref="RetentionPlanner"/> (the newest verified
/// backup spans targets) and deletes this target's expired copies, artifact first, each recorded in the catalog's
/// deletions. The same <see cref="RetentionRun"/> serves <c>backupctl retention plan</c> and <c>apply</c>.
/// </summary>
public sealed class ApplyRetention(BackupEnvironment env, IBackupCatalog catalog, IRetentionLedger ledger, ActivityLimits limits) : BoundedActivity<string, RetentionResult>(limits)
{
    protected override Task<RetentionResult> RunAsync(ActivityRun context, string input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var target = env.FindTarget(input) ?? throw new NonRetryableTaskException($"Target '{input}' is not configured on this host.");
            var ct = context.CancellationToken;
            var run = new RetentionRun(env.Targets, env.Keys, env.Options.Retention, ledger, catalog);
            var planned = await run.PlanAsync(DateTimeOffset.UtcNow, ct);
            if (planned.Unreachable.Contains(target.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Retention skipped on target '{target.Name}': " + string.Join("; ", planned.Warnings));
            }

            var applied = await run.ApplyAsync(planned.Plan, target.Name, context.InstanceId, ct);
            var mine = planned.Plan.For(target.Name).ToList();
            var result = new RetentionResult(target.Name, env.Options.Retention.RulesFor(target.Name, BackupKind.Full).KeepDays,
                applied.Deleted.Select(d => d.Copy.BackupId).ToList(), mine.Count - applied.Deleted.Count)
            {
                Locked = mine.Count(d => d.Action == RetentionAction.Locked),
                Failed = applied.Failed,
            };
            if (applied.Failed.Count > 0)
            {
                // Deleted copies are done and recorded; what failed is retried by the next run. Raising makes the
                // orchestration alert on this target.
                throw new InvalidOperationException($"Retention on target '{target.Name}' deleted {result.Deleted.Count} copies but {applied.Failed.Count} failed: "
                    + string.Join("; ", applied.Failed));
            }

            return result;
        });
}
