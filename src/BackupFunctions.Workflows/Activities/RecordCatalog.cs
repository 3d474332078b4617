using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Telemetry;

namespace BackupFunctions.Workflows.Activities;

public sealed record RecordCatalogRequest(BackupManifest Manifest, string Status, string? Error);

/// <summary>Records a finished backup run in the catalog, and in the metrics once the catalog has it.</summary>
public sealed class RecordCatalog(IBackupCatalog catalog, ActivityLimits limits, BackupMetrics? metrics = null)
    : BoundedActivity<RecordCatalogRequest, bool>(limits)
{
    protected override async Task<bool> RunAsync(ActivityRun context, RecordCatalogRequest input)
    {
        await catalog.RecordBackupAsync(input.Manifest, input.Status, input.Error, context.CancellationToken);
        metrics?.RecordBackup(input.Manifest, input.Status, DateTimeOffset.UtcNow);
        return true;
    }
}
