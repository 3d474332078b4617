using Microsoft.DurableTask;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Activities;

/// <summary>The backups an integrity check covers, read from the targets' manifests (not the catalog, which may be stale).</summary>
public sealed class ListRecentBackups(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<VerifyIntegrityRequest, IReadOnlyList<ResolvedBackup>>(limits)
{
    protected override Task<IReadOnlyList<ResolvedBackup>> RunAsync(ActivityRun context, VerifyIntegrityRequest input) =>
        ActivityFailures.RunAsync<IReadOnlyList<ResolvedBackup>>(async () =>
        {
            var catalog = await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, null, context.CancellationToken);
            var entries = input.BackupId is { } id
                ? catalog.Entries.Where(e => e.BackupId == id)
                : catalog.Entries.Take(Math.Max(1, input.MaxBackups));
            return entries.Select(e => new ResolvedBackup(e.Manifest, e.FoundIn, e.Signed)).ToList();
        });
}
