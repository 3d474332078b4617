using BackupFunctions.Workflows.Alerts;

namespace BackupFunctions.Workflows.Activities;

/// <param name="DedupeKey">The key the alert was raised with, naming its condition.</param>
/// <param name="Reason">What cleared it, kept in the alert's history (e.g. "backup X succeeded").</param>
public sealed record ResolveAlertRequest(string DedupeKey, string Reason);

/// <summary>
/// Resolves the open alert of a condition that cleared (the next good run) and tells the channels; returns 0 when
/// none was open (then nobody is told anything).
/// </summary>
public sealed class ResolveAlert(AlertService alerts, ActivityLimits limits) : BoundedActivity<ResolveAlertRequest, int>(limits)
{
    protected override Task<int> RunAsync(ActivityRun context, ResolveAlertRequest input) =>
        alerts.ResolveAsync(input.DedupeKey, input.Reason, context.CancellationToken);
}
