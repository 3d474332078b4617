using Microsoft.DurableTask;
using BackupFunctions.Workflows.Alerts;

namespace BackupFunctions.Workflows.Activities;

public sealed record AlertRequest(string Severity, string Code, string Message, string? DedupeKey);

/// <summary>
/// Raises (or refreshes) an alert in the catalog and, when it is news (opened or escalated), tells the configured
/// channels (docs/alerts.md). Delivery never fails this activity, so it never fails the orchestration that raised it.
/// </summary>
public sealed class RaiseAlert(AlertService alerts, ActivityLimits limits) : BoundedActivity<AlertRequest, long>(limits)
{
    protected override Task<long> RunAsync(ActivityRun context, AlertRequest input) =>
        alerts.RaiseAsync(input.Severity, input.Code, input.Message, input.DedupeKey, context.InstanceId, context.CancellationToken);
}
