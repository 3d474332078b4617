namespace BackupFunctions.Workflows.Catalog;

/// <summary>A backup's verification history, for its detail page and the API.</summary>
public partial interface IBackupCatalog
{
    /// <summary>
    /// Every recorded check of <paramref name="backupId"/>'s copies, newest first: the integrity check's full read-backs
    /// and the test restores of it. Cheap stat checks are not recorded; one that looks wrong leads to a full read, which is.
    /// </summary>
    Task<IReadOnlyList<CatalogVerification>> ListVerificationsAsync(string backupId, int limit = 200, CancellationToken ct = default);
}
