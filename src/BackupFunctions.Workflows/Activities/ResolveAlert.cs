using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Activities;

/// <param name="DedupeKey">The key the alert was raised with, naming its condition.</param>
/// <param name="Reason">What cleared it, kept in the alert's history (e.g. "backup X succeeded").</param>
public sealed record ResolveAlertRequest(string DedupeKey, string Reason);

/// <summary>Resolves the open alert of a condition that cleared (the next good run); returns 0 when none was open.</summary>
public sealed class ResolveAlert(IBackupCatalog catalog, ActivityLimits limits) : BoundedActivity<ResolveAlertRequest, int>(limits)
{
    protected override Task<int> RunAsync(ActivityRun context, ResolveAlertRequest input) =>
        catalog.ResolveAlertsAsync(input.DedupeKey, input.Reason, context.CancellationToken);
}
