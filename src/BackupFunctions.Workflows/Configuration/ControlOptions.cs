namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// The control database: the durable engine's store and the catalog. It may be a different server
/// from the one backed up, and losing it loses no backup (the targets' manifests rebuild the catalog).
/// </summary>
public sealed class ControlOptions
{
    public string ConnectionString { get; set; } = "";

    /// <summary>The durable engine's task hub (a schema per hub).</summary>
    public string TaskHub { get; set; } = "backupfunctions";

    /// <summary>The catalog's schema.</summary>
    public string CatalogSchema { get; set; } = "bf_catalog";
}
