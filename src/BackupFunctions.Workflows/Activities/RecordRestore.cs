using Microsoft.DurableTask;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed class RecordRestore(IBackupCatalog catalog, ActivityLimits limits) : BoundedActivity<CatalogRestore, long>(limits)
{
    protected override Task<long> RunAsync(ActivityRun context, CatalogRestore input) =>
        catalog.RecordRestoreAsync(input with { InstanceId = input.InstanceId ?? context.InstanceId }, context.CancellationToken);
}
