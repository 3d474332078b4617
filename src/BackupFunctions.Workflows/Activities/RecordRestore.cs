using BackupFunctions.Durable;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed class RecordRestore(IBackupCatalog catalog) : TaskActivity<CatalogRestore, long>
{
    public override Task<long> RunAsync(TaskActivityContext context, CatalogRestore input) =>
        catalog.RecordRestoreAsync(input with { InstanceId = input.InstanceId ?? context.InstanceId }, context.CancellationToken);
}
