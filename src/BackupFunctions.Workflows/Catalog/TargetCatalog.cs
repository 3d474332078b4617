namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// All backups found in the targets, newest first, with anything that could not be read, and the
/// manifests that were found but refused (<see cref="Invalid"/>).
/// </summary>
public sealed record TargetCatalog(IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<string> Warnings)
{
    public IReadOnlyList<InvalidManifest> Invalid { get; init; } = [];

    /// <summary>
    /// The backup named by <paramref name="idOrLatest"/>: an id, or "latest" for the newest backup
    /// that has at least one verified copy. "latest" prefers signed manifests: once any backup of the
    /// kind is signed, an unsigned one (written before signing, or by someone without the key) is
    /// never "latest", so a manifest dropped into a target cannot redirect a restore.
    /// </summary>
    /// <exception cref="BackupNotFoundException">No such backup.</exception>
    /// <exception cref="ManifestRejectedException">The id has manifests, but every one was refused.</exception>
    public CatalogEntry Resolve(string idOrLatest, Pipeline.Manifests.BackupKind latestKind = Pipeline.Manifests.BackupKind.Full)
    {
        if (string.Equals(idOrLatest, "latest", StringComparison.OrdinalIgnoreCase))
        {
            // A tenant export is never what "latest" means for a database restore.
            var candidates = Entries.Where(e => e.VerifiedTargets.Count > 0 && e.Manifest.Kind == latestKind).ToList();
            return candidates.FirstOrDefault(e => e.Signed) ?? candidates.FirstOrDefault()
                ?? throw new BackupNotFoundException($"No {latestKind.ToString().ToLowerInvariant()} backup with a verified copy was found in the configured targets.");
        }

        var entry = Entries.FirstOrDefault(e => e.BackupId == idOrLatest);
        if (entry is not null) return entry;
        var refused = Invalid.Where(i => i.BackupId == idOrLatest).ToList();
        if (refused.Count > 0)
            throw new ManifestRejectedException(idOrLatest, refused);
        throw new BackupNotFoundException($"Backup '{idOrLatest}' was not found in any configured target. 'backupctl list' shows the backups there are.");
    }
}
