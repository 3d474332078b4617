namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// The control database: the catalog and the schedules' state (the orchestrations' state is in the task hub, see
/// BackupFunctions:TaskHub). It may be a different server from the one backed up, and losing it loses no backup (the
/// targets' manifests rebuild the catalog).
/// </summary>
public sealed class ControlOptions
{
    public string ConnectionString { get; set; } = "";

    /// <summary>The catalog's schema.</summary>
    public string CatalogSchema { get; set; } = "bf_catalog";

    /// <summary>
    /// How the catalog signs in: <c>Password</c> (the connection string's own) or <c>EntraId</c> (an Entra ID access
    /// token of the managed identity, or of whoever DefaultAzureCredential finds, as the password; Azure Database for
    /// PostgreSQL). See <see cref="Catalog.Postgres.ControlDataSource"/>.
    /// </summary>
    public string Authentication { get; set; } = Catalog.Postgres.ControlDataSource.Password;
}
