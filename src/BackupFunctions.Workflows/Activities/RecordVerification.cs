using Microsoft.DurableTask;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed record RecordVerificationRequest(string BackupId, string Target, bool Intact, string? Error) : Telemetry.ITargetedRequest;

public sealed class RecordVerification(IBackupCatalog catalog, ActivityLimits limits) : BoundedActivity<RecordVerificationRequest, bool>(limits)
{
    protected override async Task<bool> RunAsync(ActivityRun context, RecordVerificationRequest input)
    {
        await catalog.RecordVerificationAsync(input.BackupId, input.Target, input.Intact, input.Error, context.InstanceId, context.CancellationToken);
        return true;
    }
}
