using BackupFunctions.Durable;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed record RecordVerificationRequest(string BackupId, string Target, bool Intact, string? Error);

public sealed class RecordVerification(IBackupCatalog catalog) : TaskActivity<RecordVerificationRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RecordVerificationRequest input)
    {
        await catalog.RecordVerificationAsync(input.BackupId, input.Target, input.Intact, input.Error, context.InstanceId, context.CancellationToken);
        return true;
    }
}
