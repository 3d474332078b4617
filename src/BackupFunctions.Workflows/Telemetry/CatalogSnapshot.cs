namespace BackupFunctions.Workflows.Telemetry;

/// <summary>The catalog's picture the gauges report: newest successful full backup per database, open alerts by severity, the health score.</summary>
public sealed record CatalogSnapshot(
    IReadOnlyDictionary<string, DateTimeOffset> LastFullBackup,
    IReadOnlyDictionary<string, int> OpenAlerts,
    int HealthScore);
