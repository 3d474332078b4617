using BackupFunctions.Durable;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Restore;

namespace BackupFunctions.Workflows.Activities;

public sealed record RestoreBackupRequest(ResolvedBackup Backup, RestoreRequest Request);

/// <summary>
/// Restores a backup into its destination with target fallback, then compares every table's row
/// count with the manifest. A restore that ran but does not match is a result (Succeeded=false),
/// not an exception, so the orchestration can record and alert on it.
/// </summary>
public sealed class RestoreBackup(BackupEnvironment env) : TaskActivity<RestoreBackupRequest, RestoreRunSummary>
{
    public override Task<RestoreRunSummary> RunAsync(TaskActivityContext context, RestoreBackupRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var manifest = input.Backup.Manifest;
            var destination = RestoreDestination.Resolve(env, input.Request, manifest.BackupId);
            var entry = new CatalogEntry(manifest, input.Backup.FoundIn);
            var result = await new RestoreRunner(env).RunAsync(entry, destination, null, context.CancellationToken);
            return new RestoreRunSummary(manifest.BackupId, destination.Database, result.Succeeded, result.ServedBy,
                result.ExpectedRowCounts.Count, result.RestoredRowCounts.Values.Sum(),
                result.Mismatches.Select(m => $"{m.Table}: manifest {m.Expected?.ToString() ?? "-"}, restored {m.Actual?.ToString() ?? "-"}").ToList(),
                false, Math.Round(result.Duration.TotalSeconds, 2), result.Error);
        });
}
