namespace BackupFunctions.Workflows.Catalog.Health;

/// <summary>Everything the score is computed from, read from the catalog at one instant (<see cref="Now"/>).</summary>
public sealed record HealthFacts(DateTimeOffset Now, IReadOnlyList<DatabaseHealth> Databases, int OpenCriticalAlerts, int OpenWarningAlerts);
