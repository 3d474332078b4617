using Microsoft.DurableTask;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

public sealed record AlertRequest(string Severity, string Code, string Message, string? DedupeKey);

/// <summary>Raises (or refreshes) an alert in the catalog; GET /api/alerts and the health score read it.</summary>
public sealed class RaiseAlert(IBackupCatalog catalog, ActivityLimits limits) : BoundedActivity<AlertRequest, long>(limits)
{
    protected override Task<long> RunAsync(ActivityRun context, AlertRequest input) =>
        catalog.RaiseAlertAsync(input.Severity, input.Code, input.Message, input.DedupeKey, context.InstanceId, context.CancellationToken);
}
