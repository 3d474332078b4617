using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>One alert event on its way to the channels.</summary>
/// <param name="Event">An <see cref="AlertEvent"/> value.</param>
/// <param name="DeliveryId">Fixed for the event across channels and retries, so a receiver can drop repeats.</param>
/// <param name="Timestamp">When the event was first sent; fixed across retries so a retry resends the same bytes.</param>
public sealed record AlertNotification(string Event, CatalogAlert Alert, string DeliveryId, DateTimeOffset Timestamp)
{
    /// <summary>A one-line summary for subjects and chat titles, e.g. "[critical] opened: backup.failed".</summary>
    public string Title => $"[{Alert.Severity}] {Event}: {Alert.Code}";

    /// <summary>The plain-text details every channel shows.</summary>
    public string Text
    {
        get
        {
            var lines = new List<string>
            {
                Alert.Message,
                "",
                $"Alert {Alert.Id} ({Alert.Severity}, {Alert.Code}), first seen {Alert.CreatedAt:u}, last seen {Alert.LastSeenAt:u}, {Alert.Occurrences} occurrence(s).",
            };
            if (Alert.DedupeKey is not null)
            {
                lines.Add($"Condition: {Alert.DedupeKey}");
            }

            if (Event == AlertEvent.Resolved)
            {
                lines.Add($"Resolved {Alert.ResolvedAt:u}: {Alert.ResolvedReason}");
            }
            else
            {
                lines.Add($"Acknowledge: backupctl alerts ack {Alert.Id}  (or POST /api/alerts/{Alert.Id}/ack)");
            }

            return string.Join('\n', lines);
        }
    }
}
