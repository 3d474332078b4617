using Microsoft.DurableTask;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Restore.Merge;
using BackupFunctions.Workflows.Retention;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Activities;

public sealed record RestoreBackupRequest(ResolvedBackup Backup, RestoreRequest Request);

/// <summary>
/// Restores a backup into its destination with target fallback, then compares every table's row
/// count with the manifest; or, in mode "merge", merges a tenant backup's data into a database that
/// holds other tenants (<see cref="TenantMergeRunner"/>). A restore that ran but does not match is a
/// result (Succeeded=false), not an exception, so the orchestration can record and alert on it.
/// </summary>
/// <remarks>The backup is held against retention (<see cref="RestoreLease"/>) for as long as the restore reads it.</remarks>
public sealed class RestoreBackup(BackupEnvironment env, ActivityLimits limits, IRetentionLedger? ledger = null) : BoundedActivity<RestoreBackupRequest, RestoreRunSummary>(limits)
{
    protected override Task<RestoreRunSummary> RunAsync(ActivityRun context, RestoreBackupRequest input) =>
        ActivityFailures.RunAsync(() => RestoreLease.HoldingAsync(ledger, input.Backup.Manifest.BackupId, context.InstanceId,
            env.Options.Retention.RestoreLeaseDuration, env.LoggerFactory.CreateLogger<RestoreBackup>(), taken => RestoreAsync(context, input, taken), context.CancellationToken));

    private async Task<RestoreRunSummary> RestoreAsync(ActivityRun context, RestoreBackupRequest input, Task leaseTaken)
    {
        var manifest = input.Backup.Manifest;
        if (manifest.Kind == Pipeline.Manifests.BackupKind.Files || input.Request.TargetDirectory is not null)
        {
            await leaseTaken;
            return await RestoreFilesAsync(input, context.CancellationToken);
        }

        var destination = RestoreDestination.Resolve(env, input.Request, manifest.BackupId);
        var entry = new CatalogEntry(manifest, input.Backup.FoundIn) { Signed = input.Backup.Signed };
        if (RestoreModes.IsMerge(input.Request.Mode))
        {
            await leaseTaken;
            var merged = await new TenantMergeRunner(env).RunAsync(entry, destination, input.Request.ReplaceTenantRows, null, context.CancellationToken);
            return new RestoreRunSummary(manifest.BackupId, destination.Database, merged.Succeeded, merged.ServedBy,
                merged.Checks.Count, merged.RowsMerged, merged.Checks.Where(c => !c.Ok).Select(c => c.ToString()).ToList(),
                false, Math.Round(merged.Duration.TotalSeconds, 2), merged.Error)
            {
                Mode = RestoreModes.Merge,
                MergeChecks = merged.Checks,
                Warnings = merged.Warnings,
            };
        }

        var result = await new RestoreRunner(env) { ReadableAfter = leaseTaken }.RunAsync(entry, destination, null, context.CancellationToken);
        return new RestoreRunSummary(manifest.BackupId, destination.Database, result.Succeeded, result.ServedBy,
            result.ExpectedRowCounts.Count, result.RestoredRowCounts.Values.Sum(),
            result.Mismatches.Select(m => $"{m.Table}: manifest {m.Expected?.ToString() ?? "-"}, restored {m.Actual?.ToString() ?? "-"}").ToList(),
            false, Math.Round(result.Duration.TotalSeconds, 2), result.Error)
        {
            RolesCreated = result.RolesCreated,
            RolesNotCreated = result.RolesNotCreated,
        };
    }

    private async Task<RestoreRunSummary> RestoreFilesAsync(RestoreBackupRequest input, CancellationToken ct)
    {
        var manifest = input.Backup.Manifest;
        if (manifest.Kind != Pipeline.Manifests.BackupKind.Files || input.Request.TargetDirectory is not { } requested)
        {
            throw new NonRetryableTaskException(manifest.Kind == Pipeline.Manifests.BackupKind.Files
                ? $"Backup {manifest.BackupId} is a files backup: give targetDirectory (below BackupFunctions:Restore:FilesDirectory) to restore its files."
                : $"Backup {manifest.BackupId} is a {manifest.Kind.ToString().ToLowerInvariant()} backup: targetDirectory is only for files backups.");
        }

        var directory = env.Options.Restore.FilesRestorePath(requested);
        var entry = new CatalogEntry(manifest, input.Backup.FoundIn) { Signed = input.Backup.Signed };
        var result = await new FilesRestorer(env).RunAsync(entry, directory, ct);
        return new RestoreRunSummary(manifest.BackupId, result.Directory, result.Succeeded, result.ServedBy, 0, 0, [], false,
            Math.Round(result.Duration.TotalSeconds, 2), result.Error)
        {
            TargetDirectory = result.Directory,
            FilesRestored = result.Files,
            BytesRestored = result.Bytes,
            Warnings = result.Skipped.Select(s => $"not restored (not a regular file): {s}").ToList(),
        };
    }
}
