using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// Sends one alert event to every channel whose minimum severity it reaches, all at once, each retried with
/// exponential backoff, and records each channel's outcome in the catalog's notifications. It never throws: a
/// channel that is down must not fail the backup or orchestration that raised the alert.
/// </summary>
public sealed partial class AlertDispatcher(IReadOnlyList<IAlertChannel> channels, IBackupCatalog catalog, AlertDeliveryOptions delivery,
    ILogger<AlertDispatcher> logger, TimeProvider time)
{
    public IReadOnlyList<IAlertChannel> Channels => channels;

    public async Task<IReadOnlyList<CatalogNotification>> DispatchAsync(string alertEvent, CatalogAlert alert, CancellationToken ct)
    {
        var chosen = channels.Where(c => AlertSeverity.Rank(alert.Severity) >= AlertSeverity.Rank(c.MinSeverity)).ToList();
        if (chosen.Count == 0)
        {
            return [];
        }

        var notification = new AlertNotification(alertEvent, alert, Guid.NewGuid().ToString("N"), time.GetUtcNow());
        var outcomes = await Task.WhenAll(chosen.Select(c => DeliverAsync(c, notification, ct)));
        foreach (var o in outcomes)
        {
            try
            {
                await catalog.RecordNotificationAsync(o, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogRecordFailed(logger, o.Channel, alert.Id, e.Message);
            }
        }

        return outcomes;
    }

    private async Task<CatalogNotification> DeliverAsync(IAlertChannel channel, AlertNotification n, CancellationToken ct)
    {
        var attempts = 0;
        try
        {
            await Pipeline().ExecuteAsync(async token =>
            {
                attempts++;
                await channel.SendAsync(n, token);
            }, ct);
            LogDelivered(logger, n.Event, n.Alert.Id, channel.Name, attempts);
            return Outcome(channel, n, "delivered", null, attempts);
        }
        catch (Exception e)
        {
            // Every failure ends here, cancellation included: delivery is best effort by design.
            var error = e switch
            {
                TimeoutRejectedException => $"no answer within {delivery.AttemptTimeout}",
                OperationCanceledException => "cancelled (the activity ran out of time or the host is stopping)",
                _ => e.Message,
            };
            LogFailed(logger, n.Event, n.Alert.Id, channel.Name, attempts, error);
            return Outcome(channel, n, "failed", error, attempts);
        }
    }

    private CatalogNotification Outcome(IAlertChannel c, AlertNotification n, string outcome, string? error, int attempts) =>
        new(0, n.Alert.Id, c.Name, n.Event, outcome, error, attempts, time.GetUtcNow());

    private ResiliencePipeline Pipeline() => new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(0, delivery.MaxAttempts - 1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = delivery.BaseDelay,
            ShouldHandle = new PredicateBuilder()
                .Handle<AlertDeliveryException>(e => !e.Permanent)
                .Handle<TimeoutRejectedException>(),
        })
        .AddTimeout(delivery.AttemptTimeout)
        .Build();

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Alert {AlertId} {Event}: delivered to '{Channel}' in {Attempts} attempt(s).")]
    private static partial void LogDelivered(ILogger logger, string @event, long alertId, string channel, int attempts);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Alert {AlertId} {Event}: channel '{Channel}' failed after {Attempts} attempt(s): {Error}")]
    private static partial void LogFailed(ILogger logger, string @event, long alertId, string channel, int attempts, string error);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Alert {AlertId}: the outcome of channel '{Channel}' could not be recorded: {Error}")]
    private static partial void LogRecordFailed(ILogger logger, string channel, long alertId, string error);
}
