using BackupFunctions.Durable;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed record AlertRequest(string Severity, string Code, string Message, string? DedupeKey);

/// <summary>Raises (or refreshes) an alert in the catalog; GET /api/alerts and the health score read it.</summary>
public sealed class RaiseAlert(IBackupCatalog catalog) : TaskActivity<AlertRequest, long>
{
    public override Task<long> RunAsync(TaskActivityContext context, AlertRequest input) =>
        catalog.RaiseAlertAsync(input.Severity, input.Code, input.Message, input.DedupeKey, context.InstanceId, context.CancellationToken);
}
