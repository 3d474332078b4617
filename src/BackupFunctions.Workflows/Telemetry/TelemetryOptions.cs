namespace BackupFunctions.Workflows.Telemetry;

/// <summary>"BackupFunctions:Telemetry": the metrics endpoint, its key, OTLP export and the catalog gauges' refresh (docs/metrics.md).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "BackupFunctions:Telemetry";

    /// <summary>The Prometheus scrape path on the self-hosted host; empty turns the endpoint off.</summary>
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// When true, a scrape needs a function key (x-functions-key or ?code=) like the rest of the API. Off by default:
    /// scrapers usually reach an internal port without secrets, and the metrics hold no backup data.
    /// </summary>
    public bool PrometheusRequiresKey { get; set; }

    /// <summary>An OTLP collector (e.g. http://collector:4317). OTEL_EXPORTER_OTLP_ENDPOINT works too and is the fallback.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>How often the gauges re-read the catalog (last success per database, open alerts, score).</summary>
    public TimeSpan CatalogRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a read of the catalog failed, the first wait before trying again (doubling, four tries), so gauges a failed
    /// read left empty or stale come back within seconds rather than at the next <see cref="CatalogRefreshInterval"/>.
    /// </summary>
    public TimeSpan CatalogRefreshRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
