using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Catalog;

/// <summary>All backups found in the targets, newest first, with anything that could not be read.</summary>
public sealed record TargetCatalog(IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// The backup named by <paramref name="idOrLatest"/>: an id, or "latest" for the newest backup
    /// that has at least one verified copy.
    /// </summary>
    public CatalogEntry Resolve(string idOrLatest, BackupKind latestKind = BackupKind.Full)
    {
        if (string.Equals(idOrLatest, "latest", StringComparison.OrdinalIgnoreCase))
        {
            // A tenant export is never what "latest" means for a database restore.
            return Entries.FirstOrDefault(e => e.VerifiedTargets.Count > 0 && e.Manifest.Kind == latestKind)
                ?? throw new BackupNotFoundException($"No {latestKind.ToString().ToLowerInvariant()} backup with a verified copy was found in the configured targets.");
        }

        return Entries.FirstOrDefault(e => e.BackupId == idOrLatest)
            ?? throw new BackupNotFoundException($"Backup '{idOrLatest}' was not found in any configured target. 'backupctl list' shows the backups there are.");
    }
}
