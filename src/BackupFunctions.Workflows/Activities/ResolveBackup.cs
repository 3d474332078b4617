using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Activities;

/// <param name="Signed">False for a backup written before manifests were signed (its manifest cannot be checked).</param>
public sealed record ResolvedBackup(BackupManifest Manifest, IReadOnlyList<string> FoundIn, bool Signed = false);

/// <summary>Finds a backup (an id, or the newest verified one) from the targets' manifests, which stay true when the catalog is lost.</summary>
public sealed class ResolveBackup(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<RestoreRequest, ResolvedBackup>(limits)
{
    protected override Task<ResolvedBackup> RunAsync(ActivityRun context, RestoreRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var catalog = await TargetCatalogReader.ReadForAsync(env.Targets, env.Keys, input.Database, input.BackupId, LatestKind(input), context.CancellationToken);
            try
            {
                var entry = catalog.Resolve(input.BackupId, LatestKind(input));
                return new ResolvedBackup(entry.Manifest, entry.FoundIn, entry.Signed);
            }
            catch (Exception e) when (e is BackupNotFoundException or ManifestRejectedException)
            {
                throw new NonRetryableTaskException(e.Message, e);
            }
        });

    /// <summary>"latest" for a restore into a directory means the newest files backup.</summary>
    private static BackupKind LatestKind(RestoreRequest input) => input.TargetDirectory is null ? BackupKind.Full : BackupKind.Files;
}
