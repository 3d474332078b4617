using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Catalog;

/// <summary>One backup as the targets know it: its manifest and the targets where a manifest was found.</summary>
public sealed record CatalogEntry(BackupManifest Manifest, IReadOnlyList<string> FoundIn)
{
    public string BackupId => Manifest.BackupId;

    /// <summary>Targets whose copy the manifest marks verified, in the order they were found.</summary>
    public IReadOnlyList<string> VerifiedTargets =>
        Manifest.Copies.Where(c => c.Verified).Select(c => c.Target).ToList();
}
