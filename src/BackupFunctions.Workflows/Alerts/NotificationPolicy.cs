using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// Decides whether a raise is news. A new (or re-opened) alert is; a raise that makes an open alert more severe is;
/// a repeat at the same or a lower severity only refreshes the alert's count and last-seen time, so a nightly
/// failure that keeps failing mails once, not every night (its resolve mails again).
/// </summary>
public static class NotificationPolicy
{
    /// <summary>The event to deliver for this raise, or null for a silent refresh.</summary>
    public static string? OnRaise(RecordedAlert raised) =>
        raised.Opened ? AlertEvent.Opened
        : AlertSeverity.Rank(raised.Alert.Severity) > AlertSeverity.Rank(raised.PreviousSeverity) ? AlertEvent.Escalated
        : null;
}
