namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// All backups found in the targets, newest first, with anything that could not be read, and the
/// manifests that were found but refused (<see cref="Invalid"/>).
/// </summary>
public sealed record TargetCatalog(IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<string> Warnings)
{
    public IReadOnlyList<InvalidManifest> Invalid { get; init; } = [];

    /// <summary>
    /// Whether "latest" of <paramref name="kind"/> resolves to a signed backup here: then no older backup can change the
    /// answer, which is what lets <see cref="TargetCatalogReader"/> stop reading older days.
    /// </summary>
    internal bool HasSignedLatest(Pipeline.Manifests.BackupKind kind) => LatestCandidates(kind).Any(e => e.Signed);

    /// <summary>What "latest" may be, newest first: a backup of the kind with a verified copy (a tenant export is never
    /// what "latest" means for a database restore).</summary>
    private IEnumerable<CatalogEntry> LatestCandidates(Pipeline.Manifests.BackupKind kind) =>
        Entries.Where(e => e.VerifiedTargets.Count > 0 && e.Manifest.Kind == kind);

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
            var candidates = LatestCandidates(latestKind).ToList();
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
