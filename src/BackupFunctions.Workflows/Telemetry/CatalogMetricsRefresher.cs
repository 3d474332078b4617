using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Telemetry;

/// <summary>
/// Re-reads the catalog's health on a period and hands it to the gauges. Observable gauges are read synchronously while
/// a scrape waits, so they must not query the database themselves.
/// </summary>
public sealed partial class CatalogMetricsRefresher(IBackupCatalog catalog, BackupMetrics metrics, TelemetryOptions options, ILogger<CatalogMetricsRefresher> logger)
    : BackgroundService
{
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
                await RefreshAsync(stoppingToken);
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
}
