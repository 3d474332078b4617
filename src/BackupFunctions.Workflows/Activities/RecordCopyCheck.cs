using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed record RecordCopyCheckRequest(string BackupId, string Target, bool Intact, string? Error, string? Fingerprint);

/// <summary>Records a full read-back of a copy in the catalog (<see cref="IBackupCatalog.RecordCopyCheckAsync"/>).</summary>
public sealed class RecordCopyCheck(IBackupCatalog catalog, ActivityLimits limits) : BoundedActivity<RecordCopyCheckRequest, bool>(limits)
{
    protected override async Task<bool> RunAsync(ActivityRun context, RecordCopyCheckRequest input)
    {
        await catalog.RecordCopyCheckAsync(input.BackupId, input.Target, input.Intact, input.Error, input.Fingerprint, context.InstanceId, context.CancellationToken);
        return true;
    }
}
