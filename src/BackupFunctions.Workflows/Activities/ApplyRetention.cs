using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed record RetentionResult(string Target, int KeepDays, IReadOnlyList<string> Deleted, int Kept);

/// <summary>
/// Deletes one target's backups older than its retention, except the newest verified ones of each
/// database and kind. The manifest goes first, so no manifest ever points at a deleted artifact.
/// </summary>
public sealed class ApplyRetention(BackupEnvironment env, IBackupCatalog catalog, ActivityLimits limits) : BoundedActivity<string, RetentionResult>(limits)
{
    protected override Task<RetentionResult> RunAsync(ActivityRun context, string input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var target = env.FindTarget(input) ?? throw new NonRetryableTaskException($"Target '{input}' is not configured on this host.");
            var rules = env.Options.Retention;
            var days = rules.DaysFor(target.Name);
            var cutoff = DateTimeOffset.UtcNow.AddDays(-days);
            var ct = context.CancellationToken;
            var found = await TargetCatalogReader.ReadAsync([target], env.Keys, null, ct);
            if (found.Warnings.Count > 0)
            {
                // A listing we could not fully read could hide the newest copies: delete nothing.
                throw new InvalidOperationException("Retention skipped: " + string.Join("; ", found.Warnings));
            }

            var protectedIds = found.Entries
                .Where(e => e.VerifiedTargets.Contains(target.Name, StringComparer.OrdinalIgnoreCase))
                .GroupBy(e => (e.Manifest.Database, e.Manifest.Kind))
                .SelectMany(g => g.OrderByDescending(e => e.Manifest.CreatedAt).Take(Math.Max(1, rules.MinVerifiedToKeep)))
                .Select(e => e.BackupId)
                .ToHashSet(StringComparer.Ordinal);
            var deleted = new List<string>();
            foreach (var entry in found.Entries.Where(e => e.Manifest.CreatedAt < cutoff && !protectedIds.Contains(e.BackupId)))
            {
                var keys = ObjectKeys.For(entry.Manifest);
                await target.DeleteAsync(keys.Manifest, ct);
                await target.DeleteAsync(keys.Artifact, ct);
                await catalog.RemoveCopyAsync(entry.BackupId, target.Name, ct);
                deleted.Add(entry.BackupId);
            }

            return new RetentionResult(target.Name, days, deleted, found.Entries.Count - deleted.Count);
        });
}
