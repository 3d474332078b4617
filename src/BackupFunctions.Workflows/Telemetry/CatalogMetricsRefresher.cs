using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace BackupFunctions.Workflows.Telemetry;

/// <summary>
/// Re-reads the catalog's health on a period and hands it to the gauges. Observable gauges are read synchronously while
/// a scrape waits, so they must not query the database themselves. A read that fails is tried again within seconds
/// (<see cref="TelemetryOptions.CatalogRefreshRetryDelay"/>): a host whose first read met a control database still
/// starting otherwise had no catalog gauges for a whole period.
/// </summary>
public sealed partial class CatalogMetricsRefresher(IBackupCatalog catalog, BackupMetrics metrics, TelemetryOptions options, ILogger<CatalogMetricsRefresher> logger)
    : BackgroundService
{
    private const int RetriesPerRefresh = 4;

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = RetriesPerRefresh,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.CatalogRefreshRetryDelay > TimeSpan.Zero ? options.CatalogRefreshRetryDelay : TimeSpan.FromSeconds(1),
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            OnRetry = args =>
            {
                RefreshRetried(logger, args.Outcome.Exception!.GetType().Name, args.Outcome.Exception.Message, args.RetryDelay.TotalSeconds);
                return default;
            },
        })
        .Build();

    /// <summary>One refresh; public so a test (or a caller that just changed the catalog) can run it now.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var health = await catalog.GetHealthAsync(ct);
        var alerts = await catalog.ListAlertsAsync(includeAcknowledged: false, limit: 1000, ct);
        metrics.UpdateFromCatalog(new CatalogSnapshot(
            health.Databases.Where(d => d.LastSuccessfulFullBackupAt is not null).ToDictionary(d => d.Database, d => d.LastSuccessfulFullBackupAt!.Value),
            alerts.GroupBy(a => a.Severity).ToDictionary(g => g.Key, g => g.Count()),
            health.Score));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = options.CatalogRefreshInterval > TimeSpan.Zero ? options.CatalogRefreshInterval : TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(period);
        do
        {
            try
            {
                await _retry.ExecuteAsync(async ct => await RefreshAsync(ct), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A catalog that does not answer leaves the last values in place; readiness and the logs report the outage.
                RefreshFailed(logger, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Metrics could not read the catalog ({ErrorType}): {Error}")]
    private static partial void RefreshFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Metrics could not read the catalog ({ErrorType}): {Error}; trying again in {Seconds:F1} s")]
    private static partial void RefreshRetried(ILogger logger, string errorType, string error, double seconds);
}
