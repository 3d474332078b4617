using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed record RecordCatalogRequest(BackupManifest Manifest, string Status, string? Error);

public sealed class RecordCatalog(IBackupCatalog catalog, ActivityLimits limits) : BoundedActivity<RecordCatalogRequest, bool>(limits)
{
    protected override async Task<bool> RunAsync(ActivityRun context, RecordCatalogRequest input)
    {
        await catalog.RecordBackupAsync(input.Manifest, input.Status, input.Error, context.CancellationToken);
        return true;
    }
}
