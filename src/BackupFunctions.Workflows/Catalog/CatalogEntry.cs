using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Catalog;

/// <summary>One backup as the targets know it: its manifest and the targets where a manifest was found.</summary>
public sealed record CatalogEntry(BackupManifest Manifest, IReadOnlyList<string> FoundIn)
{
    public string BackupId => Manifest.BackupId;

    /// <summary>
    /// True when the manifest's signature verified with a key of the ring. False for a backup written
    /// before manifests were signed: usable, but nothing proves its manifest unaltered.
    /// </summary>
    public bool Signed { get; init; }

    /// <summary>Targets whose copy the manifest marks verified, in the order they were found.</summary>
    public IReadOnlyList<string> VerifiedTargets =>
        Manifest.Copies.Where(c => c.Verified).Select(c => c.Target).ToList();
}
