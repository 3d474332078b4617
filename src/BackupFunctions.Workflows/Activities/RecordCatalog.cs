using BackupFunctions.Durable;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed record RecordCatalogRequest(BackupManifest Manifest, string Status, string? Error);

public sealed class RecordCatalog(IBackupCatalog catalog) : TaskActivity<RecordCatalogRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RecordCatalogRequest input)
    {
        await catalog.RecordBackupAsync(input.Manifest, input.Status, input.Error, context.CancellationToken);
        return true;
    }
}
