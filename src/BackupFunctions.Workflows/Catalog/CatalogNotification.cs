namespace BackupFunctions.Workflows.Catalog;

/// <summary>One delivery of one alert event to one channel.</summary>
/// <param name="Event">"opened", "escalated" or "resolved".</param>
/// <param name="Outcome">"delivered" or "failed" (after every retry).</param>
/// <param name="Error">Why the last attempt failed; never holds a secret (URLs are shown without their path and query).</param>
public sealed record CatalogNotification(long Id, long AlertId, string Channel, string Event, string Outcome, string? Error, int Attempts, DateTimeOffset At);
