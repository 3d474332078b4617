using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// Raising and resolving with delivery: the catalog records the alert, <see cref="NotificationPolicy"/> decides
/// whether it is news, and the dispatcher tells the channels. The activities and the admin API go through here.
/// </summary>
public sealed class AlertService(IBackupCatalog catalog, AlertDispatcher dispatcher)
{
    public async Task<long> RaiseAsync(string severity, string code, string message, string? dedupeKey, string? instanceId, CancellationToken ct)
    {
        var raised = await catalog.RecordAlertAsync(severity, code, message, dedupeKey, instanceId, ct);
        if (NotificationPolicy.OnRaise(raised) is { } alertEvent)
        {
            await dispatcher.DispatchAsync(alertEvent, raised.Alert, ct);
        }

        return raised.Alert.Id;
    }

    /// <summary>Resolves the open alert of a condition that cleared and announces it; returns how many were resolved (0 or 1).</summary>
    public async Task<int> ResolveAsync(string dedupeKey, string reason, CancellationToken ct)
    {
        var resolved = await catalog.ResolveOpenAlertsAsync(dedupeKey, reason, ct);
        foreach (var alert in resolved)
        {
            await dispatcher.DispatchAsync(AlertEvent.Resolved, alert, ct);
        }

        return resolved.Count;
    }

    /// <summary>An admin resolves one alert by id; announced when it was open. Null when no such alert.</summary>
    public async Task<ResolvedAlert?> ResolveByIdAsync(long alertId, string reason, CancellationToken ct)
    {
        var resolved = await catalog.ResolveAlertByIdAsync(alertId, reason, ct);
        if (resolved is { JustResolved: true })
        {
            await dispatcher.DispatchAsync(AlertEvent.Resolved, resolved.Alert, ct);
        }

        return resolved;
    }
}
